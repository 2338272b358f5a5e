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
