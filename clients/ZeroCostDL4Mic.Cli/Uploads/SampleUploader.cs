using Grpc.Core;
using ZeroCostDL4Mic.Cli.Images;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Uploads;

/// <summary>
/// Creates a dataset and streams its files (UploadSamples: dataset id, then per file a SampleHeader and
/// 1 MiB chunks), reading one file at a time so a large folder never sits in memory at once.
/// </summary>
public sealed class SampleUploader(ServerConnection server, CliConsole console)
{
    /// <summary>
    /// Creates the dataset and uploads the plan's files; a plan with errors fails before anything is sent, and a
    /// dataset whose upload fails half-way is deleted again so that no partial dataset is left behind.
    /// </summary>
    public async Task<UploadSamplesResponse> CreateAndUploadAsync(string name, DatasetKind kind, SamplePlan plan, CancellationToken cancellation)
    {
        if (!plan.IsValid)
            throw CliFailure.InvalidInput($"cannot build the dataset '{name}':", plan.Errors);

        var created = await server.Datasets.CreateDatasetAsync(new CreateDatasetRequest { Name = name, Kind = kind }, cancellationToken: cancellation);
        try
        {
            return await UploadAsync(created.Dataset.Id, plan.Files, cancellation);
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            await TryDeleteAsync(created.Dataset.Id);
            throw;
        }
    }

    private async Task TryDeleteAsync(string datasetId)
    {
        try
        {
            await server.Datasets.DeleteDatasetAsync(new DeleteDatasetRequest { DatasetId = datasetId }, deadline: DateTime.UtcNow.AddSeconds(10));
        }
        catch (RpcException)
        {
            // The upload error is what the user needs to see; a leftover empty dataset is harmless.
        }
    }

    public Task<UploadSamplesResponse> UploadAsync(string datasetId, IReadOnlyList<SampleFile> files, CancellationToken cancellation) =>
        ProgressView.RunAsync(console, async view =>
        {
            var bar = view.Add($"uploading {files.Count} files", files.Count);
            using var call = server.Datasets.UploadSamples(cancellationToken: cancellation);
            await call.RequestStream.WriteAsync(new UploadSamplesRequest { DatasetId = datasetId }, cancellation);
            for (int i = 0; i < files.Count; i++)
            {
                var file = files[i];
                bar.Description = $"uploading {Path.GetFileName(file.Path)} ({Names.Of(file.Role)}, {i + 1}/{files.Count})";
                var wire = ImageWire.Encode(file.SampleName, ReadImage(file.Path));
                await call.RequestStream.WriteAsync(new UploadSamplesRequest
                {
                    Sample = new SampleHeader { Role = file.Role, Image = wire.Header },
                }, cancellation);
                foreach (var chunk in wire.Chunks)
                {
                    await call.RequestStream.WriteAsync(new UploadSamplesRequest { Chunk = chunk }, cancellation);
                    bar.Value = i + (double)(chunk.Offset + chunk.Data.Length) / Math.Max(1, wire.Header.ByteCount);
                }
            }
            await call.RequestStream.CompleteAsync();
            var response = await call.ResponseAsync;
            bar.Description = $"uploaded {response.FilesReceived} files ({response.FilesStored} stored, {response.FilesUnchanged} unchanged)";
            bar.Complete();
            return response;
        });

    /// <summary>Reads an image file, naming the file in the error if it cannot be read.</summary>
    public static ImageData ReadImage(string path)
    {
        try
        {
            return ImageFiles.Read(path);
        }
        catch (ImageFormatException error)
        {
            throw CliFailure.InvalidInput($"cannot read {path}: {error.Message}");
        }
    }
}
