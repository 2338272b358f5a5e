using System.CommandLine;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Grpc.Core;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;
using ProtoFileInfo = ZeroCostDL4Mic.Protos.V1.FileInfo;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models download ID`: streams model files to disk and checks each against its sha256.</summary>
public static class ModelsDownloadCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Model id");
        var file = new Option<string?>("--file") { Description = "Only this file of the model (default: all files)", HelpName = "NAME" };
        var output = new Option<string?>("--output") { Description = "Folder to write to (default: ./<model id>)", HelpName = "DIR" };
        var command = new Command("download", "Download a model's files (weights, config, history, QC artefacts)") { id, file, output };
        runner.Bind(command, async context =>
        {
            var modelId = context.Value(id);
            var model = (await context.Server.Models.GetModelAsync(new GetModelRequest { ModelId = modelId }, cancellationToken: context.Cancellation)).Model;
            var only = context.Parse.GetValue(file);
            var files = only is null
                ? model.Files.ToList()
                : model.Files.Where(f => f.Name == only).ToList() is { Count: > 0 } matching
                    ? matching
                    : throw CliFailure.NotFound($"model {modelId} has no file '{only}'; it has: {string.Join(", ", model.Files.Select(f => f.Name))}");
            var folder = Path.GetFullPath(context.Parse.GetValue(output) ?? modelId);

            var written = await ProgressView.RunAsync(context.Console, async view =>
            {
                var paths = new List<string>();
                foreach (var info in files)
                    paths.Add(await DownloadAsync(context.Server, modelId, info, folder, view, context.Cancellation));
                return paths;
            });

            if (context.Json)
                JsonOutput.Write(context.Console, new JsonObject
                {
                    ["model_id"] = modelId,
                    ["folder"] = folder,
                    ["files"] = new JsonArray(files.Zip(written).Select(p => (JsonNode?)new JsonObject
                    {
                        ["name"] = p.First.Name,
                        ["path"] = p.Second,
                        ["size_bytes"] = p.First.SizeBytes,
                        ["sha256"] = p.First.Sha256,
                    }).ToArray()),
                });
            else
                foreach (var path in written) context.Console.Output.WriteLine(path);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Streams one file to a temporary name, verifies size and sha256, then moves it into place.</summary>
    public static async Task<string> DownloadAsync(ServerConnection server, string modelId, ProtoFileInfo info, string folder,
        IProgressView view, CancellationToken cancellation)
    {
        var path = SafePath(folder, info.Name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var partial = path + ".part";
        var bar = view.Add($"{info.Name} ({Names.Bytes(info.SizeBytes)})", Math.Max(1, info.SizeBytes));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long written = 0;
        try
        {
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                using var call = server.Models.DownloadModelFile(new DownloadModelFileRequest { ModelId = modelId, FileName = info.Name },
                    cancellationToken: cancellation);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellation))
                {
                    if (chunk.Offset != written)
                        throw new CliFailure(ExitCodes.ServerError, $"{info.Name}: the server sent bytes at {chunk.Offset} where {written} was expected");
                    await stream.WriteAsync(chunk.Data.Memory, cancellation);
                    hash.AppendData(chunk.Data.Span);
                    written += chunk.Data.Length;
                    bar.Value = written;
                }
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (info.SizeBytes > 0 && written != info.SizeBytes)
                throw new CliFailure(ExitCodes.ServerError, $"{info.Name}: received {written} bytes, the model lists {info.SizeBytes}");
            if (info.Sha256.Length > 0 && !string.Equals(sha256, info.Sha256, StringComparison.OrdinalIgnoreCase))
                throw new CliFailure(ExitCodes.ServerError, $"{info.Name}: sha256 {sha256} does not match the model's {info.Sha256}; the file was not kept");
            File.Move(partial, path, overwrite: true);
            bar.Description = $"{info.Name} ({Names.Bytes(written)}, sha256 ok)";
            bar.Complete();
            return path;
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    /// <summary>The file's path inside <paramref name="folder"/>; a name that would escape it is refused.</summary>
    public static string SafePath(string folder, string name)
    {
        var root = Path.GetFullPath(folder);
        var path = Path.GetFullPath(Path.Combine(root, name));
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new CliFailure(ExitCodes.ServerError, $"the server listed a file name outside the model folder: '{name}'");
        return path;
    }
}
