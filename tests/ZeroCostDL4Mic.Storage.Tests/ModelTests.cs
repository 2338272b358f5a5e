namespace ZeroCostDL4Mic.Storage.Tests;

public sealed class ModelTests : IDisposable
{
    private readonly TempDataDirectory _dir = new();
    private readonly DataStore _store;

    public ModelTests() => _store = _dir.Open();

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Create_assigns_id_and_time_and_round_trips()
    {
        var before = DateTimeOffset.UtcNow;
        var model = _store.CreateModel(Samples.Model() with { BaseModelId = "mdl_base", TrainingJobId = "job_1" });

        Assert.StartsWith("mdl_", model.Id);
        Assert.InRange(model.CreatedAt, before, DateTimeOffset.UtcNow);
        Assert.Equal(model, _store.GetModel(model.Id));
        Assert.Null(_store.GetModel("mdl_missing"));
    }

    [Fact]
    public void Create_keeps_a_given_id_and_refuses_duplicates_and_unsafe_ids()
    {
        var created = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1234567);
        var model = _store.CreateModel(Samples.Model() with { Id = "mdl_mine", CreatedAt = created });

        Assert.Equal("mdl_mine", model.Id);
        Assert.Equal(created, _store.GetModel("mdl_mine")!.CreatedAt);
        Assert.Throws<InvalidOperationException>(() => _store.CreateModel(Samples.Model() with { Id = "mdl_mine" }));
        Assert.Throws<ArgumentException>(() => _store.CreateModel(Samples.Model() with { Id = "../evil" }));
    }

    [Fact]
    public void Update_replaces_fields_and_refuses_unknown_models()
    {
        var model = _store.CreateModel(Samples.Model());
        var updated = model with { Ready = true, HistoryJson = """[{"loss":0.5}]""", QcJson = """{"ssim":0.9}""", Name = "renamed" };

        _store.UpdateModel(updated);

        Assert.Equal(updated, _store.GetModel(model.Id));
        Assert.Throws<KeyNotFoundException>(() => _store.UpdateModel(updated with { Id = "mdl_missing" }));
    }

    [Fact]
    public void List_returns_models_oldest_first()
    {
        var a = _store.CreateModel(Samples.Model(name: "a"));
        var b = _store.CreateModel(Samples.Model(name: "b"));
        var c = _store.CreateModel(Samples.Model(name: "c"));

        Assert.Equal([a.Id, b.Id, c.Id], _store.ListModels().Select(m => m.Id));
    }

    [Fact]
    public void Delete_removes_row_and_model_folder()
    {
        var model = _store.CreateModel(Samples.Model());
        var folder = DataStore.ModelDirectory(model.Id);
        _store.Files.Write($"{folder}/config.json", "{}"u8);
        _store.Files.Write($"{folder}/weights_best.pt", new byte[1000]);

        Assert.True(_store.DeleteModel(model.Id));

        Assert.Null(_store.GetModel(model.Id));
        Assert.False(_store.Files.DirectoryExists(folder));
        Assert.Empty(_store.ListModels());
        Assert.False(_store.DeleteModel(model.Id));
        Assert.Empty(_dir.ScratchFiles());
    }
}
