using ZeroCostDL4Mic.Cli.Images;
using ZeroCostDL4Mic.Cli.Rendering;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Uploads;

/// <summary>One file to upload: the sample it belongs to (its file name) and its role.</summary>
public sealed record SampleFile(string SampleName, SampleRole Role, string Path);

/// <summary>The files of a dataset to upload, or the reasons it cannot be built.</summary>
public sealed record SamplePlan(IReadOnlyList<SampleFile> Files, IReadOnlyList<string> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Pairs source and target files by identical file names, as ZeroCostDL4Mic's Training_source and
/// Training_target folders do; every file without its partner is an error, found before anything uploads.
/// </summary>
public static class SamplePairing
{
    public static bool NeedsTarget(DatasetKind kind) => kind is DatasetKind.Paired or DatasetKind.Masks;

    /// <summary>Pairs the image files of two folders (target null for image-only datasets).</summary>
    public static SamplePlan FromFolders(DatasetKind kind, string sourceFolder, string? targetFolder)
    {
        var errors = new List<string>();
        if (NeedsTarget(kind) && targetFolder is null)
            throw CliFailure.Usage($"a {Names.Of(kind)} dataset needs --target (the folder of {TargetWord(kind)} with the same file names as --source)");
        if (!NeedsTarget(kind) && targetFolder is not null)
            throw CliFailure.Usage($"an {Names.Of(kind)} dataset has no targets: leave out --target");

        var sources = ImageFolder.List(sourceFolder);
        var targets = targetFolder is null ? [] : ImageFolder.List(targetFolder);
        if (sources.Count == 0) errors.Add($"no image files ({string.Join(", ", ImageFolder.Extensions)}) in {sourceFolder}");
        if (targetFolder is not null && targets.Count == 0) errors.Add($"no image files ({string.Join(", ", ImageFolder.Extensions)}) in {targetFolder}");
        if (errors.Count > 0) return new SamplePlan([], errors);

        return Pair(kind, sources, targets, sourceFolder, targetFolder ?? "");
    }

    /// <summary>Pairs file paths by their file names; pure, so the rules are testable without folders.</summary>
    public static SamplePlan Pair(DatasetKind kind, IReadOnlyList<string> sourcePaths, IReadOnlyList<string> targetPaths,
        string sourceFolder = "source folder", string targetFolder = "target folder")
    {
        var errors = new List<string>();
        var files = new List<SampleFile>();
        var sourcesByName = ByName(sourcePaths);
        if (!NeedsTarget(kind))
        {
            files.AddRange(sourcesByName.Select(s => new SampleFile(s.Key, SampleRole.Source, s.Value)));
            return new SamplePlan(files, errors);
        }

        var targetsByName = ByName(targetPaths);
        foreach (var (name, path) in sourcesByName)
        {
            if (targetsByName.TryGetValue(name, out var target))
            {
                files.Add(new SampleFile(name, SampleRole.Source, path));
                files.Add(new SampleFile(name, SampleRole.Target, target));
            }
            else errors.Add($"'{name}' is in {sourceFolder} but has no file of the same name in {targetFolder}");
        }
        foreach (var name in targetsByName.Keys.Where(n => !sourcesByName.ContainsKey(n)))
            errors.Add($"'{name}' is in {targetFolder} but has no file of the same name in {sourceFolder}");
        return new SamplePlan(errors.Count == 0 ? files : [], errors);
    }

    private static SortedDictionary<string, string> ByName(IEnumerable<string> paths)
    {
        var byName = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths) byName[System.IO.Path.GetFileName(path)] = path;
        return byName;
    }

    private static string TargetWord(DatasetKind kind) => kind == DatasetKind.Masks ? "masks or label images" : "ground-truth images";
}
