using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage;

public sealed partial class DataStore
{
    private const string ModelColumns =
        "id, name, network, config_json, dataset_id, base_model_id, training_job_id, created_at, ready, history_json, qc_json, owner";

    /// <summary>Inserts the model; an empty Id gets a new <c>mdl_</c> id and an unset CreatedAt gets now. Returns the stored record.</summary>
    public ModelRecord CreateModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stored = model with
        {
            Id = string.IsNullOrEmpty(model.Id) ? RecordIds.New(RecordIds.Model) : SafeNames.Validate(model.Id, "model id"),
            CreatedAt = Timestamps.OrNow(model.CreatedAt),
        };
        Write((c, t) =>
        {
            if (Sql.Scalar(c, t, "SELECT 1 FROM models WHERE id = $id", ("$id", stored.Id)) is not null)
                throw new InvalidOperationException($"model '{stored.Id}' already exists");
            return Sql.Execute(c, t, $"""
                INSERT INTO models ({ModelColumns})
                VALUES ($id, $name, $network, $config, $ds, $base, $job, $created, $ready, $history, $qc, $owner)
                """, ModelParameters(stored));
        });
        return stored;
    }

    /// <summary>Replaces every field of an existing model; <see cref="KeyNotFoundException"/> if it does not exist.</summary>
    public void UpdateModel(ModelRecord model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var changed = Write((c, t) => Sql.Execute(c, t, """
            UPDATE models SET name = $name, network = $network, config_json = $config, dataset_id = $ds,
                base_model_id = $base, training_job_id = $job, created_at = $created, ready = $ready,
                history_json = $history, qc_json = $qc, owner = $owner
            WHERE id = $id
            """, ModelParameters(model)));
        if (changed == 0) throw new KeyNotFoundException($"model '{model.Id}' does not exist");
    }

    public ModelRecord? GetModel(string id) => Read(c => Sql.Query(c, null,
        $"SELECT {ModelColumns} FROM models WHERE id = $id", ReadModel, ("$id", id)).SingleOrDefault());

    /// <summary>All models, or those of <paramref name="owner"/> when given, oldest first.</summary>
    public IReadOnlyList<ModelRecord> ListModels(string? owner = null) => Read(c => Sql.Query(c, null,
        $"SELECT {ModelColumns} FROM models WHERE {OwnerFilter} ORDER BY created_at, rowid", ReadModel, ("$owner", owner)));

    /// <summary>Removes the model row and its folder <c>models/&lt;id&gt;</c>; false if there was no row.</summary>
    public bool DeleteModel(string id)
    {
        if (!SafeNames.IsValid(id)) return false; // no such id can have been created
        var deleted = Write((c, t) => Sql.Execute(c, t, "DELETE FROM models WHERE id = $id", ("$id", id)) > 0);
        // Also clears a folder whose row was never written (a crash between writing files and CreateModel).
        Files.DeleteDirectory(ModelDirectory(id));
        return deleted;
    }

    private static (string, object?)[] ModelParameters(ModelRecord m) =>
    [
        ("$id", m.Id), ("$name", m.Name ?? ""), ("$network", m.Network ?? ""), ("$config", m.ConfigJson ?? ""),
        ("$ds", m.DatasetId ?? ""), ("$base", m.BaseModelId), ("$job", m.TrainingJobId),
        ("$created", Timestamps.ToText(m.CreatedAt)), ("$ready", m.Ready ? 1 : 0),
        ("$history", m.HistoryJson ?? ""), ("$qc", m.QcJson ?? ""), ("$owner", Required(m.Owner, "model owner")),
    ];

    private static ModelRecord ReadModel(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.NullableString(5),
            r.NullableString(6), Timestamps.FromText(r.GetString(7)), r.GetInt64(8) != 0, r.GetString(9), r.GetString(10), r.GetString(11));
}
