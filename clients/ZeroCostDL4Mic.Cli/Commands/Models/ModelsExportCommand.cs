using System.CommandLine;
using System.Text.Json.Nodes;
using Grpc.Core;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models export ID --format bioimageio|onnx --output FILE`: a package DeepImageJ installs, or the ONNX graph.</summary>
public static class ModelsExportCommand
{
    public static Command Create(CommandRunner runner)
    {
        var id = SharedOptions.Id("ID", "Model id");
        var format = new Option<string>("--format")
        {
            Description = "bioimageio: a bioimage.io package (zip) for DeepImageJ; onnx: the ONNX graph alone",
            DefaultValueFactory = _ => "bioimageio", HelpName = "bioimageio|onnx",
        };
        format.AcceptOnlyFromAmong("bioimageio", "onnx");
        var output = new Option<string?>("--output") { Description = "File to write (default: the server's file name in the current folder)", HelpName = "FILE" };
        var version = new Option<string>("--bioimageio-version")
        {
            Description = "rdf.yaml format of the package", DefaultValueFactory = _ => "0.5", HelpName = "0.5|0.4",
        };
        version.AcceptOnlyFromAmong("0.5", "0.4");
        var weights = SharedOptions.Weights("--weights", "Which weights to export");
        var binarize = new Option<bool>("--binarize") { Description = "unet-2d: output the mask at the QC-optimal threshold instead of the probability" };
        var authors = new Option<string[]>("--author") { Description = "An author for rdf.yaml (repeat for several)", HelpName = "NAME", AllowMultipleArgumentsPerToken = false };
        var license = new Option<string?>("--license") { Description = "SPDX licence id of the model (default CC-BY-4.0)", HelpName = "SPDX" };
        var command = new Command("export", "Export a model as a bioimage.io package (DeepImageJ, bioimage.io) or as ONNX")
        {
            id, format, output, version, weights, binarize, authors, license,
        };
        runner.Bind(command, async context =>
        {
            var request = new ExportModelRequest
            {
                ModelId = context.Value(id),
                Format = context.Value(format) == "onnx" ? ExportFormat.Onnx : ExportFormat.Bioimageio,
                BioimageioFormatVersion = context.Value(version),
                Weights = SharedOptions.ToWeights(context.Value(weights)),
                Binarize = context.Value(binarize),
                License = context.Parse.GetValue(license) ?? "",
            };
            request.Authors.AddRange(context.Parse.GetValue(authors) ?? Array.Empty<string>());

            using var call = context.Server.Models.ExportModel(request, cancellationToken: context.Cancellation);
            string? path = null, partial = null;
            long written = 0;
            try
            {
                FileStream? file = null;
                try
                {
                    await foreach (var chunk in call.ResponseStream.ReadAllAsync(context.Cancellation))
                    {
                        if (file is null)
                        {
                            path = Path.GetFullPath(context.Parse.GetValue(output) ?? Path.GetFileName(chunk.Name));
                            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                            partial = path + ".part";
                            file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                        }
                        if (chunk.Offset != written)
                            throw new CliFailure(ExitCodes.ServerError, $"the server sent bytes at {chunk.Offset} where {written} was expected");
                        await file.WriteAsync(chunk.Data.Memory, context.Cancellation);
                        written += chunk.Data.Length;
                    }
                }
                finally
                {
                    if (file is not null) await file.DisposeAsync();
                }
                if (path is null || partial is null) throw new CliFailure(ExitCodes.ServerError, "the server sent no file");
                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                if (partial is not null && File.Exists(partial)) File.Delete(partial);
            }

            if (context.Json)
                JsonOutput.Write(context.Console, new JsonObject { ["model_id"] = request.ModelId, ["format"] = context.Value(format), ["path"] = path, ["size_bytes"] = written });
            else
                context.Console.Output.WriteLine(path);
            return ExitCodes.Ok;
        });
        return command;
    }
}
