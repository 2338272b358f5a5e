using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZeroCostDL4Mic.Cli.Images;
using ZeroCostDL4Mic.Cli.Prediction;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic predict`: streams images through a model and writes each output as an ImageJ TIFF.</summary>
public static class PredictCommand
{
    public static Command Create(CommandRunner runner)
    {
        var model = SharedOptions.Required("--model", "Model id", "ID");
        var input = SharedOptions.Required("--input", "An image file, or a folder of images (.tif, .tiff, .png, .jpg) processed one by one", "FILE|DIR");
        var output = SharedOptions.Required("--output", "Folder for the outputs, named <input>_<restored|probability|mask|labels>.tif; instance models also write <input>_objects.csv and <input>_rois.zip (ImageJ ROIs)", "DIR");
        var tile = SharedOptions.AtLeast("--tile", "Tile edge in pixels (0 = the server's default)", 0, 0);
        var overlap = SharedOptions.AtLeast("--overlap", "Tile overlap in pixels (0 = the network's default)", 0, 0);
        var threshold = new Option<double>("--threshold")
        {
            Description = "Probability threshold for masks and StarDist objects (0 = the model's optimised threshold)",
            HelpName = "X",
        };
        threshold.Validators.Add(r =>
        {
            var value = r.GetValueOrDefault<double>();
            if (value is < 0 or > 1 || double.IsNaN(value)) r.AddError($"--threshold must be between 0 and 1 (got {value})");
        });
        var weights = SharedOptions.Weights("--weights", "Which weights to predict with");
        var backend = new Option<string>("--backend")
        {
            Description = "What runs the network: TorchSharp, ONNX Runtime, or the server's default", DefaultValueFactory = _ => "auto", HelpName = "auto|torch|onnx",
        };
        backend.AcceptOnlyFromAmong("auto", "torch", "onnx");

        var command = new Command("predict", "Predict images with a trained model")
        {
            model, input, output, tile, overlap, threshold, weights, backend,
        };
        runner.Bind(command, async context =>
        {
            var inputs = ImageFolder.FileOrFolder(context.Value(input));
            var header = new PredictHeader
            {
                ModelId = context.Value(model),
                Weights = SharedOptions.ToWeights(context.Value(weights)),
                TileSize = context.Value(tile),
                TileOverlap = context.Value(overlap),
                Threshold = context.Value(threshold),
                Backend = context.Value(backend) switch { "torch" => InferenceBackend.Torch, "onnx" => InferenceBackend.Onnx, _ => InferenceBackend.Unspecified },
            };
            var outputFolder = Path.GetFullPath(context.Value(output));
            var written = await new RemotePredictor(context.Server, context.Console).PredictAsync(header, inputs, outputFolder, context.Cancellation);
            Write(context, written);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static JsonArray ToJson(IEnumerable<PredictedFile> files) => new(files.Select(f => (JsonNode?)new JsonObject
    {
        ["input"] = f.Input,
        ["kind"] = f.Kind,
        ["path"] = f.Path,
        ["axes"] = f.Axes,
        ["shape"] = new JsonArray(f.Shape.Select(s => (JsonNode?)s).ToArray()),
        ["dtype"] = f.DType,
    }).ToArray());

    public static void Write(CommandContext context, IReadOnlyList<PredictedFile> written)
    {
        if (context.Json)
        {
            JsonOutput.Write(context.Console, new JsonObject { ["outputs"] = ToJson(written) });
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("input", "output", "kind", "shape", "dtype");
        foreach (var f in written)
            table.AddRow(Markup.Escape(f.Input), Markup.Escape(f.Path), f.Kind, Names.Shape(f.Shape), f.DType);
        context.Console.Stdout.Write(table);
    }
}
