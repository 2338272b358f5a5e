using System.CommandLine;
using ZeroCostDL4Mic.Cli.Uploads;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Commands;

/// <summary>`dl4mic datasets create`: pairs two folders by file name and uploads them as a new dataset.</summary>
public static class DatasetsCreateCommand
{
    public static Command Create(CommandRunner runner)
    {
        var name = SharedOptions.Required("--name", "Name of the new dataset", "NAME");
        var kind = SharedOptions.Required("--kind",
            "paired: source + target images (CARE, fnet); masks: images + masks or label images (U-Net, StarDist); images: images only (Noise2Void)",
            "paired|masks|images");
        kind.AcceptOnlyFromAmong("paired", "masks", "images");
        var source = SharedOptions.Required("--source", "Folder of source images (Training_source): .tif, .tiff, .png, .jpg", "DIR");
        var target = new Option<string?>("--target")
        {
            Description = "Folder of targets (Training_target) with the same file names as --source; needed for paired and masks",
            HelpName = "DIR",
        };

        var command = new Command("create", "Upload a folder (or two folders paired by identical file names) as a new dataset")
        {
            name, kind, source, target,
        };
        runner.Bind(command, async context =>
        {
            var datasetKind = ParseKind(context.Value(kind));
            var plan = SamplePairing.FromFolders(datasetKind, context.Value(source), context.Parse.GetValue(target));
            var uploader = new SampleUploader(context.Server, context.Console);
            var response = await uploader.CreateAndUploadAsync(context.Value(name), datasetKind, plan, context.Cancellation);
            if (context.Json)
            {
                JsonOutput.Write(context.Console, response);
                return ExitCodes.Ok;
            }
            var dataset = response.Dataset;
            context.Console.Note($"dataset '{dataset.Name}' created: {dataset.SampleCount} samples, {response.FilesReceived} files " +
                                 $"({Rendering.Names.Bytes(dataset.SizeBytes)})");
            context.Console.Output.WriteLine(dataset.Id);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static DatasetKind ParseKind(string value) => value switch
    {
        "paired" => DatasetKind.Paired,
        "masks" => DatasetKind.Masks,
        "images" => DatasetKind.Images,
        _ => throw CliFailure.Usage($"--kind must be paired, masks or images (got '{value}')"),
    };
}
