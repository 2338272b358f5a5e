using System.Collections.Concurrent;
using Grpc.Core;
using ZeroCostDL4Mic.Cli.Uploads;
using ZeroCostDL4Mic.Cli.Images;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Imaging.Instances;
using ZeroCostDL4Mic.Protos.V1;
using DetectedObject = ZeroCostDL4Mic.Imaging.Instances.DetectedObject;
using ImagingCalibration = ZeroCostDL4Mic.Imaging.Calibration;

namespace ZeroCostDL4Mic.Cli.Prediction;

/// <summary>One output image written to disk.</summary>
public sealed record PredictedFile(string Input, string Kind, string Path, string Axes, IReadOnlyList<long> Shape, string DType);

/// <summary>
/// Runs Inference.Predict: sends the header, then each input image (read one at a time, chunked), while
/// writing each output as soon as its bytes are complete to OUTPUT/&lt;input stem&gt;_&lt;kind&gt;.tif as an
/// ImageJ TIFF with the input's calibration.
/// </summary>
public sealed class RemotePredictor(ServerConnection server, CliConsole console)
{
    public async Task<IReadOnlyList<PredictedFile>> PredictAsync(
        PredictHeader header, IReadOnlyList<string> inputs, string outputFolder, CancellationToken cancellation)
    {
        Directory.CreateDirectory(outputFolder);
        var stems = OutputStems(inputs);
        var calibrations = new ConcurrentDictionary<string, ImagingCalibration>(StringComparer.Ordinal);

        return await ProgressView.RunAsync(console, async view =>
        {
            var bars = new ConcurrentDictionary<string, IProgressItem>(StringComparer.Ordinal);
            var written = new List<PredictedFile>();
            var objects = new ConcurrentDictionary<string, List<List<DetectedObject>>>(StringComparer.Ordinal);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var call = server.Inference.Predict(cancellationToken: linked.Token);

            Exception? sendFailure = null;
            var sending = Task.Run(async () =>
            {
                try
                {
                    await call.RequestStream.WriteAsync(new PredictRequest { Header = header }, linked.Token);
                    foreach (var path in inputs)
                    {
                        var name = System.IO.Path.GetFileName(path);
                        var bar = bars.GetOrAdd(name, n => view.Add($"{n}: sending", 1));
                        var wire = Encode(path, name, calibrations);
                        await call.RequestStream.WriteAsync(new PredictRequest { Image = wire.Header }, linked.Token);
                        foreach (var chunk in wire.Chunks)
                            await call.RequestStream.WriteAsync(new PredictRequest { Chunk = chunk }, linked.Token);
                        bar.Description = $"{name}: waiting";
                    }
                    await call.RequestStream.CompleteAsync();
                }
                catch (Exception error) when (!linked.IsCancellationRequested)
                {
                    // Ends the call, so that the receiving loop stops too.
                    sendFailure = error;
                    await linked.CancelAsync();
                    throw;
                }
            }, linked.Token);

            try
            {
                OutputHeader? output = null;
                IncomingImage? incoming = null;
                string? previousInput = null;
                await foreach (var response in call.ResponseStream.ReadAllAsync(linked.Token))
                {
                    switch (response.PartCase)
                    {
                        case PredictResponse.PartOneofCase.Progress:
                            var progress = response.Progress;
                            FinishPrevious(ref previousInput, progress.InputName, bars);
                            var bar = bars.GetOrAdd(progress.InputName, n => view.Add(n, 1));
                            bar.MaxValue = Math.Max(1, progress.TilesTotal);
                            bar.Value = progress.TilesDone;
                            bar.Description = $"{progress.InputName}: tile {progress.TilesDone}/{progress.TilesTotal}";
                            break;
                        case PredictResponse.PartOneofCase.Output:
                            output = response.Output;
                            FinishPrevious(ref previousInput, output.InputName, bars);
                            incoming = new IncomingImage(output.Image, $"output '{Names.Of(output.Kind)}' of '{output.InputName}'");
                            if (incoming.IsComplete)
                            {
                                written.Add(Write(output, incoming, outputFolder, stems, calibrations, bars));
                                output = null;
                            }
                            break;
                        case PredictResponse.PartOneofCase.Objects:
                            var found = response.Objects;
                            var frames = objects.GetOrAdd(found.InputName, _ => new List<List<DetectedObject>>());
                            while (frames.Count < found.FrameCount) frames.Add(new List<DetectedObject>());
                            if (found.Frame < 0 || found.Frame >= frames.Count)
                                throw new InvalidDataException($"objects of '{found.InputName}': frame {found.Frame} is outside 0..{frames.Count - 1}");
                            frames[found.Frame].AddRange(found.Objects.Select(o => new DetectedObject(o.Label, o.CentroidY, o.CentroidX, o.Area, o.Probability,
                                0, 0, o.PolygonY.Select(v => (double)v).ToArray(), o.PolygonX.Select(v => (double)v).ToArray())));
                            break;
                        case PredictResponse.PartOneofCase.Chunk:
                            if (output is null || incoming is null) throw new InvalidDataException("the server sent image bytes before an output header");
                            incoming.Append(response.Chunk);
                            if (incoming.IsComplete)
                            {
                                written.Add(Write(output, incoming, outputFolder, stems, calibrations, bars));
                                output = null;
                            }
                            break;
                    }
                }
                if (output is not null)
                    throw new InvalidDataException($"the prediction stream ended inside the output of '{output.InputName}'");
                await sending;
                foreach (var (input, frames) in objects)
                    written.AddRange(WriteObjects(input, frames, outputFolder, stems));
            }
            catch (Exception receiveError)
            {
                await linked.CancelAsync();
                try { await sending; }
                catch (Exception) { /* reported below */ }
                // A status from the server explains more than the failed write it caused; a local read error
                // (which cancelled the call) explains more than the cancellation.
                if (receiveError is not RpcException { StatusCode: not StatusCode.Cancelled } && sendFailure is not null)
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(sendFailure);
                throw;
            }

            foreach (var bar in bars.Values) bar.Complete();
            return (IReadOnlyList<PredictedFile>)written;
        });
    }

    /// <summary>Reads one input (its pixels leave memory once encoded) and remembers its calibration for the outputs.</summary>
    private static WireImage Encode(string path, string name, ConcurrentDictionary<string, ImagingCalibration> calibrations)
    {
        var image = SampleUploader.ReadImage(path);
        calibrations[name] = image.Calibration;
        return ImageWire.Encode(name, image);
    }

    private static void FinishPrevious(ref string? previousInput, string input, ConcurrentDictionary<string, IProgressItem> bars)
    {
        if (previousInput is not null && previousInput != input && bars.TryGetValue(previousInput, out var done)) done.Complete();
        previousInput = input;
    }

    private static PredictedFile Write(OutputHeader output, IncomingImage incoming, string outputFolder, IReadOnlyDictionary<string, string> stems,
        ConcurrentDictionary<string, ImagingCalibration> calibrations, ConcurrentDictionary<string, IProgressItem> bars)
    {
        var header = output.Image;
        var calibration = calibrations.TryGetValue(output.InputName, out var fromInput) ? fromInput : null;
        var image = incoming.ToImage(calibration);
        var stem = stems.TryGetValue(output.InputName, out var s) ? s : System.IO.Path.GetFileNameWithoutExtension(output.InputName);
        var kind = Names.Of(output.Kind);
        var path = System.IO.Path.Combine(outputFolder, $"{stem}_{kind}.tif");
        TiffImages.Write(path, image, image.PixelType, TiffCompression.None);
        if (bars.TryGetValue(output.InputName, out var bar))
            bar.Description = bar.Description.Contains(" -> ", StringComparison.Ordinal)
                ? $"{bar.Description}, {System.IO.Path.GetFileName(path)}"
                : $"{output.InputName} -> {System.IO.Path.GetFileName(path)}";
        return new PredictedFile(output.InputName, kind, path, header.Axes, header.Shape.ToList(), Names.Of(header.Dtype));
    }

    /// <summary>
    /// The objects of an instance prediction: OUTPUT/&lt;stem&gt;_objects.csv, one row per object (frame, label, centroid,
    /// area, probability), and OUTPUT/&lt;stem&gt;_rois.zip, their polygons as an ImageJ ROI set.
    /// </summary>
    private static IEnumerable<PredictedFile> WriteObjects(string input, List<List<DetectedObject>> frames, string outputFolder, IReadOnlyDictionary<string, string> stems)
    {
        var stem = stems.TryGetValue(input, out var s) ? s : System.IO.Path.GetFileNameWithoutExtension(input);
        long count = frames.Sum(f => f.Count);
        var csv = System.IO.Path.Combine(outputFolder, $"{stem}_objects.csv");
        File.WriteAllText(csv, ObjectTable.Csv(frames));
        yield return new PredictedFile(input, "objects", csv, "", new[] { count }, "csv");
        var rois = System.IO.Path.Combine(outputFolder, $"{stem}_rois.zip");
        using (var stream = File.Create(rois)) ImageJRois.WriteZip(stream, frames);
        yield return new PredictedFile(input, "rois", rois, "", new[] { count }, "zip");
    }

    /// <summary>Output stems per input name: the file name without extension, or with it where two inputs share a stem.</summary>
    public static IReadOnlyDictionary<string, string> OutputStems(IEnumerable<string> inputs)
    {
        var names = inputs.Select(System.IO.Path.GetFileName).OfType<string>().ToList();
        var clashing = names.GroupBy(System.IO.Path.GetFileNameWithoutExtension).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        return names.ToDictionary(n => n, n => clashing.Contains(n) ? n.Replace('.', '_') : System.IO.Path.GetFileNameWithoutExtension(n));
    }
}
