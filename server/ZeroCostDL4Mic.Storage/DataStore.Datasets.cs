using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage;

public sealed partial class DataStore
{
    private const string SampleColumns =
        "dataset_id, name, role, relative_path, sha256, size_bytes, pixel_type, axes, shape_json, min, max, mean, std";

    private const string DatasetColumns = "id, name, kind, created_at, owner";

    /// <summary>Creates an empty dataset; <paramref name="kind"/> is free text ("paired", "masks", "images").</summary>
    public DatasetRecord CreateDataset(string name, string kind, string owner = DefaultOwner)
    {
        var dataset = new DatasetRecord(RecordIds.New(RecordIds.Dataset), Required(name, "dataset name"), kind ?? "",
            DateTimeOffset.UtcNow, Required(owner, "dataset owner"));
        Write((c, t) => Sql.Execute(c, t,
            $"INSERT INTO datasets ({DatasetColumns}) VALUES ($id, $name, $kind, $created, $owner)",
            ("$id", dataset.Id), ("$name", dataset.Name), ("$kind", dataset.Kind), ("$created", Timestamps.ToText(dataset.CreatedAt)),
            ("$owner", dataset.Owner)));
        return dataset;
    }

    public DatasetRecord? GetDataset(string id) => Read(c => Sql.Query(c, null,
        $"SELECT {DatasetColumns} FROM datasets WHERE id = $id", ReadDataset, ("$id", id)).SingleOrDefault());

    /// <summary>All datasets, or those of <paramref name="owner"/> when given, oldest first.</summary>
    public IReadOnlyList<DatasetRecord> ListDatasets(string? owner = null) => Read(c => Sql.Query(c, null,
        $"SELECT {DatasetColumns} FROM datasets WHERE {OwnerFilter} ORDER BY created_at, rowid", ReadDataset, ("$owner", owner)));

    /// <summary>Removes the dataset, its sample rows and its folder <c>datasets/&lt;id&gt;</c>; false if it did not exist.</summary>
    public bool DeleteDataset(string id)
    {
        if (!SafeNames.IsValid(id)) return false; // no such id can have been created
        var deleted = Write((c, t) =>
        {
            Sql.Execute(c, t, "DELETE FROM samples WHERE dataset_id = $id", ("$id", id));
            return Sql.Execute(c, t, "DELETE FROM datasets WHERE id = $id", ("$id", id)) > 0;
        });
        // After the commit: a crash in between leaves orphan files, never rows without files.
        Files.DeleteDirectory(DatasetDirectory(id));
        return deleted;
    }

    public SampleRecord? GetSample(string datasetId, string name, string role) => Read(c => Sql.Query(c, null,
        $"SELECT {SampleColumns} FROM samples WHERE dataset_id = $ds AND name = $name AND role = $role",
        ReadSample, ("$ds", datasetId), ("$name", name), ("$role", role)).SingleOrDefault());

    /// <summary>The dataset's samples sorted by name, then role.</summary>
    public IReadOnlyList<SampleRecord> ListSamples(string datasetId) => Read(c => Sql.Query(c, null,
        $"SELECT {SampleColumns} FROM samples WHERE dataset_id = $ds ORDER BY name, role", ReadSample, ("$ds", datasetId)));

    /// <summary>
    /// Inserts or replaces the sample with the same (DatasetId, Name, Role). The file at RelativePath must already
    /// exist (write it first), so no row ever points to a missing file.
    /// </summary>
    public void UpsertSample(SampleRecord sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        Required(sample.DatasetId, "sample dataset id");
        Required(sample.Name, "sample name");
        Required(sample.Role, "sample role");
        if (!Files.Exists(sample.RelativePath))
            throw new FileNotFoundException(
                $"sample '{sample.Name}' ({sample.Role}) points to '{sample.RelativePath}', which does not exist; write the file first",
                sample.RelativePath);
        Write((c, t) =>
        {
            if (Sql.Scalar(c, t, "SELECT 1 FROM datasets WHERE id = $id", ("$id", sample.DatasetId)) is null)
                throw new KeyNotFoundException($"dataset '{sample.DatasetId}' does not exist");
            return Sql.Execute(c, t, $"""
                INSERT INTO samples ({SampleColumns})
                VALUES ($ds, $name, $role, $path, $sha, $size, $pixel, $axes, $shape, $min, $max, $mean, $std)
                ON CONFLICT (dataset_id, name, role) DO UPDATE SET
                    relative_path = excluded.relative_path, sha256 = excluded.sha256, size_bytes = excluded.size_bytes,
                    pixel_type = excluded.pixel_type, axes = excluded.axes, shape_json = excluded.shape_json,
                    min = excluded.min, max = excluded.max, mean = excluded.mean, std = excluded.std
                """,
                ("$ds", sample.DatasetId), ("$name", sample.Name), ("$role", sample.Role),
                ("$path", FileStore.Normalize(sample.RelativePath)), ("$sha", sample.Sha256 ?? ""), ("$size", sample.SizeBytes),
                ("$pixel", sample.PixelType ?? ""), ("$axes", sample.Axes ?? ""), ("$shape", JsonSerializer.Serialize(sample.Shape ?? [])),
                ("$min", sample.Min), ("$max", sample.Max), ("$mean", sample.Mean), ("$std", sample.Std));
        });
    }

    private static DatasetRecord ReadDataset(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), Timestamps.FromText(r.GetString(3)), r.GetString(4));

    private static SampleRecord ReadSample(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5),
            r.GetString(6), r.GetString(7), JsonSerializer.Deserialize<int[]>(r.GetString(8)) ?? [],
            r.GetDouble(9), r.GetDouble(10), r.GetDouble(11), r.GetDouble(12));
}
