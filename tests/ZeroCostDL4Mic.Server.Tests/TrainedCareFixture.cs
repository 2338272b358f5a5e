using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>A live server holding a 64×64 paired dataset and a care-2d model trained on it for one short epoch.</summary>
public sealed class TrainedCareFixture : ServerFixture
{
    public string DatasetId { get; private set; } = "";
    public Model Model { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DatasetId = await TinyCare.PairedDatasetAsync(Datasets, "tiny-care", 64);
        Model = (await this.TrainAsync(TinyCare.Training(DatasetId, 1, "ready", stepsPerEpoch: 5))).Model;
    }
}
