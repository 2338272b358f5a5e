using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class OwnerTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_database_from_before_owners_is_upgraded_and_its_rows_belong_to_local()
    {
        // The schema as released before owners (migration 1 alone), filled the way that server wrote rows.
        using (new DataStore(_dir.Path, [SchemaMigrations.All[0]])) { }
        using (var connection = OpenRaw())
        {
            Execute(connection, "INSERT INTO datasets (id, name, kind, created_at) VALUES ('ds_old', 'old set', 'paired', '2025-01-01T00:00:00.0000000Z')");
            Execute(connection, """
                INSERT INTO models (id, name, network, config_json, dataset_id, base_model_id, training_job_id, created_at, ready, history_json, qc_json)
                VALUES ('mdl_old', 'old model', 'care-2d', '{}', 'ds_old', NULL, 'job_old', '2025-01-01T00:00:00.0000000Z', 1, '', '')
                """);
            Execute(connection, """
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

    [Fact]
    public void Lists_filter_by_owner_and_null_means_everyone()
    {
        using var store = _dir.Open();
        var a = store.CreateDataset("a", "images", "alice");
        var b = store.CreateDataset("b", "images", "bob");
        var modelA = store.CreateModel(Samples.Model(a.Id) with { Owner = "alice" });
        store.CreateModel(Samples.Model(b.Id) with { Owner = "bob" });
        var jobB = store.CreateJob(Samples.Job() with { Owner = "bob" });
        store.CreateJob(Samples.Job() with { Owner = "alice" });

        Assert.Equal([a.Id], store.ListDatasets("alice").Select(d => d.Id));
        Assert.Equal([a.Id, b.Id], store.ListDatasets().Select(d => d.Id));
        Assert.Equal([modelA.Id], store.ListModels("alice").Select(m => m.Id));
        Assert.Equal(2, store.ListModels().Count);
        Assert.Equal([jobB.Id], store.ListJobs("bob").Select(j => j.Id));
        Assert.Empty(store.ListJobs("carol"));
        Assert.Equal(2, store.ListJobs().Count);
    }

    [Fact]
    public void A_model_keeps_its_owner_through_an_update()
    {
        using var store = _dir.Open();
        var model = store.CreateModel(Samples.Model() with { Owner = "alice" });
        store.UpdateModel(model with { Ready = true });
        Assert.Equal("alice", store.GetModel(model.Id)!.Owner);
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_dir.Path, DataStore.DatabaseFileName)};Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
