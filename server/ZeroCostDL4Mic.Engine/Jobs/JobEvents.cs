using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Jobs;

/// <summary>Stores every job event (so a watcher that comes late, or after a restart, sees the whole story) and fans it out live.</summary>
public sealed class JobEventHub(DataStore store)
{
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    readonly ConcurrentDictionary<string, ConcurrentDictionary<Channel<JobEventView>, byte>> watchers = new();
    readonly Lock appendGate = new();

    public JobEventView Publish(string jobId, JobEventBody body)
    {
        JobEventView view;
        // One writer at a time keeps per-job sequences and live delivery in the same order.
        lock (appendGate)
        {
            var record = store.AppendJobEvent(jobId, TypeName(body), JsonSerializer.Serialize(body, body.GetType(), Json));
            view = new JobEventView(jobId, record.Sequence, record.Time, body);
            if (watchers.TryGetValue(jobId, out var channels))
                foreach (var channel in channels.Keys) channel.Writer.TryWrite(view);
        }
        return view;
    }

    public async IAsyncEnumerable<JobEventView> Watch(string jobId, Func<bool> isFinished, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateUnbounded<JobEventView>();
        var channels = watchers.GetOrAdd(jobId, _ => new());
        channels.TryAdd(channel, 0);
        try
        {
            long last = 0;
            foreach (var stored in store.ListJobEvents(jobId))
            {
                var view = Parse(stored);
                last = view.Sequence;
                yield return view;
                if (IsFinal(view.Body)) yield break;
            }
            if (isFinished()) yield break;
            await foreach (var live in channel.Reader.ReadAllAsync(cancellation))
            {
                if (live.Sequence <= last) continue;
                last = live.Sequence;
                yield return live;
                if (IsFinal(live.Body)) yield break;
            }
        }
        finally
        {
            channels.TryRemove(channel, out _);
        }
    }

    /// <summary>A terminal state change ends every watch.</summary>
    public static bool IsFinal(JobEventBody body) =>
        body is JobStateChanged { State: JobState.Succeeded or JobState.Failed or JobState.Cancelled };

    static JobEventView Parse(JobEventRecord record)
    {
        JobEventBody body = record.Type switch
        {
            "state" => JsonSerializer.Deserialize<JobStateChanged>(record.PayloadJson, Json)!,
            "progress" => JsonSerializer.Deserialize<JobProgressed>(record.PayloadJson, Json)!,
            "epoch" => JsonSerializer.Deserialize<JobEpochCompleted>(record.PayloadJson, Json)!,
            "message" => JsonSerializer.Deserialize<JobMessage>(record.PayloadJson, Json)!,
            "result" => JsonSerializer.Deserialize<JobSucceeded>(record.PayloadJson, Json)!,
            "failure" => JsonSerializer.Deserialize<JobFailed>(record.PayloadJson, Json)!,
            _ => new JobMessage($"(unknown event type '{record.Type}')"),
        };
        return new JobEventView(record.JobId, record.Sequence, record.Time, body);
    }

    static string TypeName(JobEventBody body) => body switch
    {
        JobStateChanged => "state",
        JobProgressed => "progress",
        JobEpochCompleted => "epoch",
        JobMessage => "message",
        JobSucceeded => "result",
        JobFailed => "failure",
        _ => throw new ArgumentException($"unknown event {body.GetType().Name}"),
    };
}
