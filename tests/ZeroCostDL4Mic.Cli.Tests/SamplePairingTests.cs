using ZeroCostDL4Mic.Cli.Uploads;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Tests;

public class SamplePairingTests
{
    [Fact]
    public void Files_with_identical_names_become_source_and_target_of_one_sample()
    {
        var plan = SamplePairing.Pair(DatasetKind.Paired, ["src/b.tif", "src/a.tif"], ["tgt/a.tif", "tgt/b.tif"]);

        Assert.True(plan.IsValid);
        Assert.Equal(
            [("a.tif", SampleRole.Source, "src/a.tif"), ("a.tif", SampleRole.Target, "tgt/a.tif"),
             ("b.tif", SampleRole.Source, "src/b.tif"), ("b.tif", SampleRole.Target, "tgt/b.tif")],
            plan.Files.Select(f => (f.SampleName, f.Role, f.Path)));
    }

    [Fact]
    public void A_missing_partner_on_either_side_is_an_error_and_nothing_is_planned()
    {
        var plan = SamplePairing.Pair(DatasetKind.Masks, ["s/a.tif", "s/only_source.tif"], ["t/a.tif", "t/only_target.tif"], "s", "t");

        Assert.False(plan.IsValid);
        Assert.Empty(plan.Files);
        Assert.Equal(2, plan.Errors.Count);
        Assert.Contains(plan.Errors, e => e.Contains("only_source.tif") && e.Contains("no file of the same name in t"));
        Assert.Contains(plan.Errors, e => e.Contains("only_target.tif") && e.Contains("no file of the same name in s"));
    }

    [Fact]
    public void Names_must_match_exactly_including_the_extension()
    {
        var plan = SamplePairing.Pair(DatasetKind.Paired, ["s/a.tif"], ["t/a.png"]);

        Assert.False(plan.IsValid);
        Assert.Equal(2, plan.Errors.Count);
    }

    [Fact]
    public void An_images_dataset_takes_sources_only()
    {
        var plan = SamplePairing.Pair(DatasetKind.Images, ["s/x.png", "s/y.png"], []);

        Assert.True(plan.IsValid);
        Assert.All(plan.Files, f => Assert.Equal(SampleRole.Source, f.Role));
        Assert.Equal(["x.png", "y.png"], plan.Files.Select(f => f.SampleName));
    }

    [Fact]
    public void Folders_are_read_for_image_files_only()
    {
        using var folders = new TempFolder();
        var source = folders.Create("source", "a.tif", "b.png", "notes.txt", ".hidden.tif");
        var target = folders.Create("target", "a.tif", "b.png", "README.md");

        var plan = SamplePairing.FromFolders(DatasetKind.Paired, source, target);

        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(["a.tif", "a.tif", "b.png", "b.png"], plan.Files.Select(f => f.SampleName));
    }

    [Fact]
    public void Paired_data_without_a_target_folder_is_a_usage_error()
    {
        using var folders = new TempFolder();
        var source = folders.Create("source", "a.tif");

        var failure = Assert.Throws<CliFailure>(() => SamplePairing.FromFolders(DatasetKind.Paired, source, null));
        Assert.Equal(ExitCodes.Usage, failure.ExitCode);
        Assert.Contains("--target", failure.Message);
    }

    [Fact]
    public void An_empty_or_missing_folder_is_invalid_input()
    {
        using var folders = new TempFolder();
        var empty = folders.Create("empty");
        var target = folders.Create("target", "a.tif");

        Assert.False(SamplePairing.FromFolders(DatasetKind.Paired, empty, target).IsValid);
        var failure = Assert.Throws<CliFailure>(() => SamplePairing.FromFolders(DatasetKind.Paired, Path.Combine(empty, "nope"), target));
        Assert.Equal(ExitCodes.InvalidInput, failure.ExitCode);
    }

    [Fact]
    public async Task Datasets_create_lists_every_missing_partner_before_contacting_the_server()
    {
        using var folders = new TempFolder();
        var source = folders.Create("Training_source", "a.tif", "b.tif");
        var target = folders.Create("Training_target", "a.tif", "c.tif");

        // No server listens there: the run must fail on the pairing, not on the connection.
        var run = await CliRun.RunAsync("datasets", "create", "--name", "n", "--kind", "paired", "--source", source, "--target", target,
            "--server", $"http://127.0.0.1:{CommandParsingTests.FreePort()}");

        Assert.Equal(ExitCodes.InvalidInput, run.ExitCode);
        Assert.Contains("'b.tif' is in", run.Stderr);
        Assert.Contains("'c.tif' is in", run.Stderr);
        Assert.DoesNotContain("cannot reach", run.Stderr);
    }
}

/// <summary>A temporary folder tree removed after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Root = Directory.CreateTempSubdirectory("dl4mic-cli-tests-").FullName;

    public string Root { get; }

    /// <summary>A subfolder holding empty files of the given names.</summary>
    public string Create(string name, params string[] files)
    {
        var folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        foreach (var file in files) File.WriteAllBytes(Path.Combine(folder, file), []);
        return folder;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
