using System.Text.Json;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>Mapping between job rows and the API's views, and the stored request payloads.</summary>
static class JobRecords
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public const string Training = "training", QualityControl = "quality_control", Prediction = "prediction";
    public const string Queued = "queued", Running = "running", Succeeded = "succeeded", Failed = "failed", Cancelled = "cancelled";

    public static string Text(JobState state) => state switch
    {
        JobState.Queued => Queued,
        JobState.Running => Running,
        JobState.Succeeded => Succeeded,
        JobState.Failed => Failed,
        _ => Cancelled,
    };

    public static JobState State(string text) => text switch
    {
        Queued => JobState.Queued,
        Running => JobState.Running,
        Succeeded => JobState.Succeeded,
        Failed => JobState.Failed,
        _ => JobState.Cancelled,
    };

    public static JobKind Kind(string text) => text switch
    {
        Training => JobKind.Training,
        QualityControl => JobKind.QualityControl,
        _ => JobKind.Prediction,
    };

    public static bool IsTerminal(string state) => state is Succeeded or Failed or Cancelled;

    public static JobView View(JobRecord r, TimeSpan? eta, IReadOnlyList<FileView> files) => new(
        r.Id, Kind(r.Kind), State(r.State), r.Network, r.DatasetId, r.ModelId, r.CreatedAt, r.StartedAt, r.FinishedAt,
        r.Epoch, r.Epochs, r.Loss, r.ValLoss, eta, r.Message, files, Owner(r));

    /// <summary>The job's owner; the column is nullable because jobs existed before owners did.</summary>
    public static string Owner(JobRecord r) => r.Owner ?? DataStore.DefaultOwner;

    public static string OutputDirectory(string jobId) => $"jobs/{jobId}/outputs";
}
