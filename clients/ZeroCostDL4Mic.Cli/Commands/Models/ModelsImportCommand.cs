using System.CommandLine;
using Google.Protobuf;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic models import FILE`: registers a bioimage.io ONNX package as a prediction-only model.</summary>
public static class ModelsImportCommand
{
    const int ChunkBytes = 1 << 20;

    public static Command Create(CommandRunner runner)
    {
        var file = new Argument<string>("FILE") { Description = "A bioimage.io model package (.zip) with ONNX weights" };
        var command = new Command("import", "Import a bioimage.io ONNX package as a prediction-only model (usable with dl4mic predict)") { file };
        runner.Bind(command, async context =>
        {
            var path = Path.GetFullPath(context.Value(file));
            if (!File.Exists(path)) throw CliFailure.Usage($"{path} does not exist");
            using var call = context.Server.Models.ImportModel(cancellationToken: context.Cancellation);
            await using (var stream = File.OpenRead(path))
            {
                var buffer = new byte[ChunkBytes];
                long offset = 0;
                int read;
                do
                {
                    read = await stream.ReadAsync(buffer, context.Cancellation);
                    if (read == 0 && offset > 0) break;
                    await call.RequestStream.WriteAsync(new FileChunk
                    {
                        Name = Path.GetFileName(path), Offset = offset, TotalSize = stream.Length, Data = ByteString.CopyFrom(buffer, 0, read),
                    }, context.Cancellation);
                    offset += read;
                } while (read > 0);
            }
            await call.RequestStream.CompleteAsync();
            var model = (await call.ResponseAsync).Model;
            if (context.Json) JsonOutput.Write(context.Console, model);
            else context.Console.Note($"imported {Path.GetFileName(path)} as model {model.Id} ({model.Name}); predict with: dl4mic predict --model {model.Id} --input ... --output ...");
            return ExitCodes.Ok;
        });
        return command;
    }
}
