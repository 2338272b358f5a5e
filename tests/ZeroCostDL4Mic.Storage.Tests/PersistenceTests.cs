using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class PersistenceTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Reopening_keeps_every_record_and_file()
    {
        DatasetRecord dataset;
        SampleRecord sample;
        ModelRecord model;
        JobRecord job;
        JobEventRecord evt;
        using (var store = _dir.Open())
        {
            dataset = store.CreateDataset("nuclei", "masks");
            sample = Samples.Sample(store, dataset.Id, "img1", "mask", [5, 6, 7]);
            store.UpsertSample(sample);
            model = store.CreateModel(Samples.Model(dataset.Id) with { Ready = true });
            store.Files.Write($"{DataStore.ModelDirectory(model.Id)}/config.json", """{"a":1}"""u8);
            job = store.CreateJob(Samples.Job("running") with { StartedAt = DateTimeOffset.UtcNow, ModelId = model.Id });
            evt = store.AppendJobEvent(job.Id, "epoch", """{"epoch":1}""");
        }

        using (var store = _dir.Open())
        {
            Assert.Equal(dataset, store.GetDataset(dataset.Id));
            var reloaded = store.GetSample(dataset.Id, "img1", "mask")!;
            Assert.Equal(sample with { Shape = reloaded.Shape }, reloaded);
            Assert.Equal(sample.Shape, reloaded.Shape);
            Assert.Equal(model, store.GetModel(model.Id));
            Assert.Equal(job, store.GetJob(job.Id));
            Assert.Equal([evt], store.ListJobEvents(job.Id));
            Assert.Equal(2, store.AppendJobEvent(job.Id, "result", "{}").Sequence);
            using var read = store.Files.OpenRead(sample.RelativePath);
            Assert.Equal(sample.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(read)));
            Assert.Equal("""{"a":1}""", File.ReadAllText(store.Files.FullPath($"models/{model.Id}/config.json")));
        }
    }

    [Fact]
    public void Database_is_in_wal_mode_with_one_row_per_migration_after_reopening()
    {
        for (var i = 0; i < 3; i++)
        {
            using var store = _dir.Open();
            Assert.Equal(SchemaMigrations.LatestVersion, store.SchemaVersion);
        }

        using var connection = OpenRaw();
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode"));
        Assert.Equal((long)SchemaMigrations.All.Count, Scalar(connection, "SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public void A_new_migration_is_applied_once_to_an_existing_database()
    {
        using (var store = _dir.Open())
            store.CreateDataset("kept", "images");
        var next = new Migration(SchemaMigrations.LatestVersion + 1, "add a notes table",
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
        IReadOnlyList<Migration> migrations = [.. SchemaMigrations.All, next];

        using (var store = new DataStore(_dir.Path, migrations))
            Assert.Equal(next.Version, store.SchemaVersion);
        using (var store = new DataStore(_dir.Path, migrations))
        {
            Assert.Equal(next.Version, store.SchemaVersion);
            Assert.Single(store.ListDatasets());
        }

        using var connection = OpenRaw();
        Assert.Equal(1L, Scalar(connection, $"SELECT COUNT(*) FROM schema_version WHERE version = {next.Version}"));
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM notes"));
    }

    [Fact]
    public void A_database_from_a_newer_server_is_refused()
    {
        using (var store = new DataStore(_dir.Path,
                   [.. SchemaMigrations.All, new Migration(SchemaMigrations.LatestVersion + 1, "future", "CREATE TABLE future (x)")]))
        {
        }

        var error = Assert.Throws<InvalidOperationException>(() => _dir.Open());
        Assert.Contains("newer", error.Message);
    }

    [Fact]
    public void A_database_from_before_owners_is_upgraded_and_its_rows_belong_to_local()
    {
        // The schema as released before owners (migration 1 alone), filled the way that server wrote rows.
        using (new DataStore(_dir.Path, [SchemaMigrations.All[0]])) { }
        using (var connection = OpenRaw())
        {
            Scalar(connection, "INSERT INTO datasets (id, name, kind, created_at) VALUES ('ds_old', 'old set', 'paired', '2025-01-01T00:00:00.0000000Z')");
            Scalar(connection, """
                INSERT INTO models (id, name, network, config_json, dataset_id, base_model_id, training_job_id, created_at, ready, history_json, qc_json)
                VALUES ('mdl_old', 'old model', 'care-2d', '{}', 'ds_old', NULL, 'job_old', '2025-01-01T00:00:00.0000000Z', 1, '', '')
                """);
            Scalar(connection, """
                INSERT INTO jobs (id, kind, state, network, dataset_id, model_id, request_json, created_at, epoch, epochs, loss, val_loss, message, owner)
                VALUES ('job_old', 'training', 'succeeded', 'care-2d', 'ds_old', 'mdl_old', '{}', '2025-01-01T00:00:00.0000000Z', 3, 3, 0.1, 0.2, 'done', NULL)
                """);
        }

        using var store = _dir.Open();
        Assert.Equal(SchemaMigrations.LatestVersion, store.SchemaVersion);
        Assert.Equal(DataStore.DefaultOwner, store.GetDataset("ds_old")!.Owner);
        Assert.Equal("old set", store.GetDataset("ds_old")!.Name);
        Assert.Equal(DataStore.DefaultOwner, store.GetModel("mdl_old")!.Owner);
        Assert.Equal(DataStore.DefaultOwner, store.GetJob("job_old")!.Owner);
        Assert.Equal(["ds_old"], store.ListDatasets(DataStore.DefaultOwner).Select(d => d.Id));
        // New rows take the owner they are given, next to the upgraded ones.
        var mine = store.CreateDataset("new set", "images", "alice");
        Assert.Equal("alice", store.GetDataset(mine.Id)!.Owner);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, DataStore.DatabaseFileName)};Pooling=False");
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
