using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>Uploads through the real engine, SQLite and file store.</summary>
public class DatasetUploadTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_retried_upload_stores_nothing_twice_and_a_changed_file_replaces_its_old_copy()
    {
        var ds = await server.Datasets.CreateDatasetAsync("retried", DatasetKind.Paired);
        var clean = TestImages.Crop(TestImages.Load("em-0.png"), 0, 0, 64, 64);
        var noisy = TestImages.PoissonGaussian(clean, 10, 20, seed: 1);
        UploadFile[] files =
        [
            new(SampleRole.Source, "a", noisy, DType.Float32), new(SampleRole.Target, "a", clean, DType.Uint8),
            new(SampleRole.Source, "b", TestImages.PoissonGaussian(clean, 10, 20, seed: 2), DType.Float32), new(SampleRole.Target, "b", clean, DType.Uint8),
        ];

        var first = await server.Datasets.UploadAsync(ds.Id, files);
        var filesAfterFirst = DatasetFiles(ds.Id);
        var samplesAfterFirst = await server.Datasets.SampleChecksumsAsync(ds.Id);
        var retry = await server.Datasets.UploadAsync(ds.Id, files);

        Assert.Equal((4, 4, 0, 2), (first.FilesReceived, first.FilesStored, first.FilesUnchanged, first.Dataset.SampleCount));
        Assert.Equal((4, 0, 4, 2), (retry.FilesReceived, retry.FilesStored, retry.FilesUnchanged, retry.Dataset.SampleCount));
        Assert.Equal(4, filesAfterFirst.Count);
        Assert.Equal(filesAfterFirst, DatasetFiles(ds.Id));
        Assert.Equal(samplesAfterFirst, await server.Datasets.SampleChecksumsAsync(ds.Id));

        // One target changed by a single pixel: stored again under its new checksum, the old file gone.
        var changed = (float[])clean.Pixels.Clone();
        changed[0] += 1;
        files[3] = files[3] with { Image = clean.WithPixels(changed, PixelType.UInt8) };
        var edit = await server.Datasets.UploadAsync(ds.Id, files);

        Assert.Equal((4, 1, 3, 2), (edit.FilesReceived, edit.FilesStored, edit.FilesUnchanged, edit.Dataset.SampleCount));
        var filesAfterEdit = DatasetFiles(ds.Id);
        Assert.Equal(4, filesAfterEdit.Count);
        Assert.Single(filesAfterEdit.Except(filesAfterFirst));
        var samples = await server.Datasets.SampleChecksumsAsync(ds.Id);
        static bool IsChangedOne((string Name, SampleRole Role, string) s) => (s.Name, s.Role) == ("b", SampleRole.Target);
        Assert.Equal(samplesAfterFirst.Where(s => !IsChangedOne(s)), samples.Where(s => !IsChangedOne(s)));
        Assert.NotEqual(samplesAfterFirst.Single(IsChangedOne), samples.Single(IsChangedOne));
    }

    /// <summary>Every file under the dataset's folder in the data directory, relative to it.</summary>
    private List<string> DatasetFiles(string datasetId)
    {
        var folder = Assert.Single(Directory.GetDirectories(server.DataDirectory, datasetId, SearchOption.AllDirectories));
        return Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order().ToList();
    }
}
