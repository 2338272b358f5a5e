using System.Security.Cryptography;
using System.Runtime.InteropServices;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Datasets;

/// <summary>Datasets as named samples with one TIFF per role, stored under datasets/&lt;id&gt;/&lt;role&gt;/.</summary>
public sealed class DatasetCatalog(DataStore store) : IDatasetCatalog
{
    public DatasetView Create(string name, DatasetKind kind, Caller caller)
    {
        SafeNames.Validate(name, "dataset name");
        return View(store.CreateDataset(name, KindText(kind), caller.Name), withSamples: false);
    }

    public SampleStoreOutcome StoreSample(string datasetId, SampleRole role, string sampleName, ImageData image, Caller caller)
    {
        var dataset = Changeable(datasetId, caller, "add samples to");
        SafeNames.Validate(sampleName, "sample name");
        var kind = ParseKind(dataset.Kind);
        if (kind == DatasetKind.Images && role != SampleRole.Source)
            throw new InvalidInputException("role", $"dataset '{dataset.Name}' holds images only; upload sources, not targets");
        if (!image.Axes.EndsWith("YX", StringComparison.Ordinal))
            throw new InvalidInputException("image.axes", $"'{image.Axes}' must end with YX");

        var partner = store.GetSample(datasetId, sampleName, RoleText(Other(role)));
        if (partner is not null && !partner.Shape.SequenceEqual(image.Shape))
            throw new InvalidInputException("image.shape",
                $"{RoleText(role)} '{sampleName}' is [{string.Join("x", image.Shape)}] but its {partner.Role} is [{string.Join("x", partner.Shape)}]; source and target must have the same size");

        string checksum = PixelChecksum(image);
        var existing = store.GetSample(datasetId, sampleName, RoleText(role));
        if (existing is not null && existing.Sha256 == checksum && store.Files.Exists(existing.RelativePath))
            return SampleStoreOutcome.Unchanged;

        // A new content gets a new path, so the row and its file always agree even if we crash in between.
        string path = $"{DataStore.DatasetDirectory(datasetId)}/{RoleText(role)}/{sampleName}.{checksum[..12]}.tif";
        var stored = store.Files.WriteWith(path, temp => TiffImages.Write(temp, image, image.PixelType));
        var stats = ImageStatistics.Compute(image.Pixels);
        store.UpsertSample(new SampleRecord(datasetId, sampleName, RoleText(role), stored.RelativePath, checksum, stored.SizeBytes,
            image.PixelType.ToString(), image.Axes, image.Shape, stats.Min, stats.Max, stats.Mean, stats.Std));
        if (existing is not null && existing.RelativePath != stored.RelativePath && store.Files.Exists(existing.RelativePath))
            store.Files.Delete(existing.RelativePath);
        return SampleStoreOutcome.Stored;
    }

    public DatasetView Get(string id) => View(Record(id), withSamples: true);

    public DatasetView GetChangeable(string id, Caller caller) => View(Changeable(id, caller, "add samples to"), withSamples: false);

    public IReadOnlyList<DatasetView> List(string? owner = null) => store.ListDatasets(owner).Select(d => View(d, withSamples: false)).ToList();

    public void Delete(string id, Caller caller)
    {
        Changeable(id, caller, "delete");
        store.DeleteDataset(id);
    }

    /// <summary>Complete samples (every role the kind needs), read from disk, in name order.</summary>
    public IReadOnlyList<TrainingSample> LoadSamples(string datasetId, bool needTargets)
    {
        var dataset = Record(datasetId);
        var samples = store.ListSamples(datasetId);
        var sources = samples.Where(s => s.Role == RoleText(SampleRole.Source)).OrderBy(s => s.Name, StringComparer.Ordinal);
        var targets = samples.Where(s => s.Role == RoleText(SampleRole.Target)).ToDictionary(s => s.Name);
        var result = new List<TrainingSample>();
        foreach (var source in sources)
        {
            targets.TryGetValue(source.Name, out var target);
            if (needTargets && target is null) continue;
            result.Add(new TrainingSample(source.Name, Read(source), needTargets ? Read(target!) : null));
        }
        if (result.Count == 0)
            throw new InvalidInputException("dataset_id",
                $"dataset '{dataset.Name}' has no {(needTargets ? "complete source/target pairs" : "images")}");
        return result;
    }

    public DatasetKind KindOf(string datasetId) => ParseKind(Record(datasetId).Kind);

    ImageData Read(SampleRecord sample)
    {
        using var stream = store.Files.OpenRead(sample.RelativePath);
        return TiffImages.Read(stream, sample.Name);
    }

    DatasetRecord Record(string id) => store.GetDataset(id) ?? throw new NotFoundException("dataset", id);

    DatasetRecord Changeable(string id, Caller caller, string action)
    {
        var record = Record(id);
        caller.RequireMayChange(record.Owner, $"dataset '{id}' ({record.Name})", action);
        return record;
    }

    DatasetView View(DatasetRecord record, bool withSamples)
    {
        var samples = store.ListSamples(record.Id);
        var kind = ParseKind(record.Kind);
        int complete = kind == DatasetKind.Images
            ? samples.Count(s => s.Role == RoleText(SampleRole.Source))
            : samples.GroupBy(s => s.Name).Count(g => g.Select(s => s.Role).Distinct().Count() == 2);
        var views = withSamples
            ? samples.Select(s => new SampleView(s.Name, ParseRole(s.Role), Enum.Parse<PixelType>(s.PixelType), s.Axes, s.Shape, s.Sha256, s.Min, s.Max, s.Mean, s.Std)).ToList()
            : new List<SampleView>();
        return new DatasetView(record.Id, record.Name, kind, record.CreatedAt, complete, samples.Sum(s => s.SizeBytes), views, record.Owner);
    }

    /// <summary>Identity of an image's content: type, axes, shape and pixels, independent of the TIFF encoding.</summary>
    static string PixelChecksum(ImageData image)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{image.PixelType}|{image.Axes}|{string.Join(",", image.Shape)}|"));
        hash.AppendData(MemoryMarshal.AsBytes(image.Pixels.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static SampleRole Other(SampleRole role) => role == SampleRole.Source ? SampleRole.Target : SampleRole.Source;
    public static string RoleText(SampleRole role) => role == SampleRole.Source ? "source" : "target";
    static SampleRole ParseRole(string text) => text == "target" ? SampleRole.Target : SampleRole.Source;
    public static string KindText(DatasetKind kind) => kind.ToString().ToLowerInvariant();
    static DatasetKind ParseKind(string text) => Enum.Parse<DatasetKind>(text, ignoreCase: true);
}
