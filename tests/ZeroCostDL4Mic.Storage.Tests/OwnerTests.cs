namespace ZeroCostDL4Mic.Storage.Tests;

/// <summary>Who owns what: list filters and owners kept through updates.</summary>
public sealed class OwnerTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

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
}
