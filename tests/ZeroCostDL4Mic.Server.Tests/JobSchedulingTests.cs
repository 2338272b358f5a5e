using Grpc.Core;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>The job queue of the real server: one training at a time (Engine:MaxConcurrentTrainings, default 1), inference and other jobs alongside.</summary>
public class JobSchedulingTests(TrainedCareFixture server) : IClassFixture<TrainedCareFixture>
{
    [Fact]
    public async Task A_second_training_waits_while_the_first_runs_and_predictions_are_served_alongside()
    {
        Assert.Equal(1, (await server.ServerInfo.GetServerInfoAsync(new GetServerInfoRequest())).MaxConcurrentTrainings);
        // Far more epochs than the test waits for: it runs until cancelled.
        var running = (await server.Jobs.SubmitTrainingAsync(TinyCare.Training(server.DatasetId, 1000, "long"))).Job;
        var waiting = (await server.Jobs.SubmitTrainingAsync(TinyCare.Training(server.DatasetId, 1, "waiting", stepsPerEpoch: 5))).Job;
        await UntilTrainingStepsAsync(running.Id);
        Assert.Equal(JobState.Queued, await StateAsync(waiting.Id));

        var image = TestImages.Crop(TestImages.Load("em-1.png"), 0, 0, 64, 64);
        var streamed = await server.Inference.PredictAsync(GrpcClients.PredictMessages(
            new PredictHeader { ModelId = server.Model.Id, TileSize = 64 }, ("em1.tif", image, DType.Uint8)));
        Assert.Equal([64, 64], streamed.Outputs.Single().Image.Shape);
        var batch = (await server.Jobs.SubmitPredictionAsync(new SubmitPredictionRequest { ModelId = server.Model.Id, DatasetId = server.DatasetId })).Job;
        var batchEvents = await server.Jobs.WatchToEndAsync(batch.Id, TimeSpan.FromMinutes(1));
        Assert.True(batchEvents.Last().State == JobState.Succeeded, GrpcClients.Describe(batchEvents));
        Assert.Equal((JobState.Running, JobState.Queued), (await StateAsync(running.Id), await StateAsync(waiting.Id)));

        await server.Jobs.CancelJobAsync(new CancelJobRequest { JobId = running.Id });
        var waitingEvents = await server.Jobs.WatchToEndAsync(waiting.Id, TimeSpan.FromMinutes(2));
        Assert.True(waitingEvents.Last().State == JobState.Succeeded, GrpcClients.Describe(waitingEvents));
        Assert.Equal(JobState.Cancelled, await StateAsync(running.Id));
    }

    private async Task<JobState> StateAsync(string jobId) => (await server.Jobs.GetJobAsync(new GetJobRequest { JobId = jobId })).Job.State;

    /// <summary>Returns once the job reports training progress.</summary>
    private async Task UntilTrainingStepsAsync(string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        using var watch = server.Jobs.WatchJob(new WatchJobRequest { JobId = jobId }, cancellationToken: timeout.Token);
        await foreach (var e in watch.ResponseStream.ReadAllAsync(timeout.Token))
            if (e.EventCase == JobEvent.EventOneofCase.Progress && e.Progress.Step > 0) return;
        Assert.Fail($"job {jobId} ended without training");
    }
}

/// <summary>What a trained care-2d model offers beyond 2D prediction: time-lapse stacks and transfer learning.</summary>
public class CareModelTests(TrainedCareFixture server) : IClassFixture<TrainedCareFixture>
{
    [Fact]
    public async Task A_time_lapse_stack_is_predicted_frame_by_frame_in_its_own_shape()
    {
        var frames = Enumerable.Range(0, 3).Select(t => TestImages.Crop(TestImages.Load("em-1.png"), 40 * t, 0, 48, 80)).ToList();
        var stack = new ImageData("TYX", [3, 48, 80], frames.SelectMany(f => f.Pixels).ToArray(), PixelType.UInt8);
        var header = new PredictHeader { ModelId = server.Model.Id, TileSize = 64 };

        var predicted = (await server.Inference.PredictAsync(GrpcClients.PredictMessages(header, ("movie.tif", stack, DType.Uint8)))).Outputs.Single();
        Assert.Equal("TYX", predicted.Image.Axes);
        Assert.Equal([3, 48, 80], predicted.Image.Shape);

        // Each frame alone gives the same plane: the stack is not normalised or tiled as one volume.
        for (int t = 0; t < frames.Count; t++)
        {
            var single = (await server.Inference.PredictAsync(GrpcClients.PredictMessages(header, ($"frame{t}.tif", frames[t], DType.Uint8)))).Outputs.Single();
            var plane = predicted.Image.Plane(t).ToArray();
            for (int i = 0; i < plane.Length; i++) Assert.Equal(single.Image.Pixels[i], plane[i], 4);
        }
    }

    [Theory]
    [InlineData(WeightsChoice.Best)]
    [InlineData(WeightsChoice.Last)]
    public async Task Transfer_learning_restores_the_learning_rate_of_the_base_weights(WeightsChoice choice)
    {
        // Patience 1 makes the base's learning rate drop whenever val_loss stalls, so its rows may differ.
        var (baseModel, _) = await server.TrainAsync(TinyCare.Training(server.DatasetId, 3, $"base-{choice}", stepsPerEpoch: 10,
            ("learning_rate", "0.003"), ("reduce_lr_patience", "1"), ("reduce_lr_factor", "0.5")));
        var row = choice == WeightsChoice.Last ? baseModel.History[^1] : baseModel.History.MinBy(h => h.ValLoss)!;

        var request = TinyCare.Training(server.DatasetId, 1, $"child-{choice}", stepsPerEpoch: 5, ("learning_rate", "0.0001"));
        request.BaseModelId = baseModel.Id;
        request.BaseWeights = choice;
        var (child, events) = await server.TrainAsync(request);

        Assert.Equal(baseModel.Id, child.BaseModelId);
        Assert.Equal(row.LearningRate, child.History.Single().LearningRate, 12);
        Assert.Equal(row.LearningRate, events.First(e => e.EventCase == JobEvent.EventOneofCase.Epoch).Epoch.LearningRate, 12);
        Assert.Contains(events, e => e.EventCase == JobEvent.EventOneofCase.Message && e.Message.StartsWith("transfer learning", StringComparison.Ordinal));
    }
}
