using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Training;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>What a running job reports through: stored events plus the job row's live fields.</summary>
public sealed class JobContext(DataStore store, JobEventHub events, string jobId) : ITrainingObserver
{
    public string JobId { get; } = jobId;
    public TimeSpan? Eta { get; private set; }

    public void Message(string text)
    {
        events.Publish(JobId, new JobMessage(text));
        Update(r => r with { Message = text });
    }

    public void Progress(JobProgressed progress)
    {
        Eta = progress.Eta;
        events.Publish(JobId, progress);
        Update(r => r with { Epoch = progress.Epoch, Epochs = progress.Epochs, Loss = progress.Loss });
    }

    public void EpochCompleted(JobEpochCompleted epoch)
    {
        events.Publish(JobId, epoch);
        Update(r => r with { Epoch = epoch.Epoch, Loss = epoch.Loss, ValLoss = epoch.ValLoss });
    }

    public void Update(Func<JobRecord, JobRecord> change)
    {
        var record = store.GetJob(JobId);
        if (record is not null) store.UpdateJob(change(record));
    }
}
