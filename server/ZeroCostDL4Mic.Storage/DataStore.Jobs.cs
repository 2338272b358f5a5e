using Microsoft.Data.Sqlite;

namespace ZeroCostDL4Mic.Storage;

public sealed partial class DataStore
{
    private const string JobColumns =
        "id, kind, state, network, dataset_id, model_id, request_json, created_at, started_at, finished_at, " +
        "epoch, epochs, loss, val_loss, message, owner";

    /// <summary>Inserts the job; an empty Id gets a new <c>job_</c> id and an unset CreatedAt gets now. Returns the stored record.</summary>
    public JobRecord CreateJob(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var stored = job with
        {
            Id = string.IsNullOrEmpty(job.Id) ? RecordIds.New(RecordIds.Job) : SafeNames.Validate(job.Id, "job id"),
            CreatedAt = Timestamps.OrNow(job.CreatedAt),
        };
        Write((c, t) =>
        {
            if (Sql.Scalar(c, t, "SELECT 1 FROM jobs WHERE id = $id", ("$id", stored.Id)) is not null)
                throw new InvalidOperationException($"job '{stored.Id}' already exists");
            return Sql.Execute(c, t, $"""
                INSERT INTO jobs ({JobColumns})
                VALUES ($id, $kind, $state, $network, $ds, $model, $request, $created, $started, $finished,
                        $epoch, $epochs, $loss, $val, $message, $owner)
                """, JobParameters(stored));
        });
        return stored;
    }

    /// <summary>Replaces every field of an existing job; <see cref="KeyNotFoundException"/> if it does not exist.</summary>
    public void UpdateJob(JobRecord job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var changed = Write((c, t) => Sql.Execute(c, t, """
            UPDATE jobs SET kind = $kind, state = $state, network = $network, dataset_id = $ds, model_id = $model,
                request_json = $request, created_at = $created, started_at = $started, finished_at = $finished,
                epoch = $epoch, epochs = $epochs, loss = $loss, val_loss = $val, message = $message, owner = $owner
            WHERE id = $id
            """, JobParameters(job)));
        if (changed == 0) throw new KeyNotFoundException($"job '{job.Id}' does not exist");
    }

    public JobRecord? GetJob(string id) => Read(c => Sql.Query(c, null,
        $"SELECT {JobColumns} FROM jobs WHERE id = $id", ReadJob, ("$id", id)).SingleOrDefault());

    /// <summary>All jobs, or those of <paramref name="owner"/> when given, newest first.</summary>
    public IReadOnlyList<JobRecord> ListJobs(string? owner = null) => Read(c => Sql.Query(c, null,
        $"SELECT {JobColumns} FROM jobs WHERE {OwnerFilter} ORDER BY created_at DESC, rowid DESC", ReadJob, ("$owner", owner)));

    /// <summary>Jobs in any of the given states, oldest first (queue order).</summary>
    public IReadOnlyList<JobRecord> ListJobsInStates(params string[] states)
    {
        if (states is null || states.Length == 0) return [];
        var names = states.Select((_, i) => $"$s{i}").ToArray();
        var parameters = states.Select((s, i) => (names[i], (object?)s)).ToArray();
        return Read(c => Sql.Query(c, null,
            $"SELECT {JobColumns} FROM jobs WHERE state IN ({string.Join(", ", names)}) ORDER BY created_at, rowid",
            ReadJob, parameters));
    }

    /// <summary>Removes the job and its events; false if it did not exist.</summary>
    public bool DeleteJob(string id) => Write((c, t) =>
    {
        Sql.Execute(c, t, "DELETE FROM job_events WHERE job_id = $id", ("$id", id));
        return Sql.Execute(c, t, "DELETE FROM jobs WHERE id = $id", ("$id", id)) > 0;
    });

    /// <summary>Appends an event with the job's next sequence number (1, 2, 3, ...); <see cref="KeyNotFoundException"/> for an unknown job.</summary>
    public JobEventRecord AppendJobEvent(string jobId, string type, string payloadJson) => Write((c, t) =>
    {
        if (Sql.Scalar(c, t, "SELECT 1 FROM jobs WHERE id = $id", ("$id", jobId)) is null)
            throw new KeyNotFoundException($"job '{jobId}' does not exist");
        var sequence = Convert.ToInt64(Sql.Scalar(c, t,
            "SELECT COALESCE(MAX(sequence), 0) + 1 FROM job_events WHERE job_id = $id", ("$id", jobId)));
        var record = new JobEventRecord(jobId, sequence, DateTimeOffset.UtcNow, Required(type, "event type"), payloadJson ?? "");
        Sql.Execute(c, t,
            "INSERT INTO job_events (job_id, sequence, time, type, payload_json) VALUES ($id, $seq, $time, $type, $payload)",
            ("$id", jobId), ("$seq", sequence), ("$time", Timestamps.ToText(record.Time)), ("$type", record.Type),
            ("$payload", record.PayloadJson));
        return record;
    });

    /// <summary>The job's events with Sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    public IReadOnlyList<JobEventRecord> ListJobEvents(string jobId, long afterSequence = 0) => Read(c => Sql.Query(c, null,
        "SELECT job_id, sequence, time, type, payload_json FROM job_events WHERE job_id = $id AND sequence > $after ORDER BY sequence",
        r => new JobEventRecord(r.GetString(0), r.GetInt64(1), Timestamps.FromText(r.GetString(2)), r.GetString(3), r.GetString(4)),
        ("$id", jobId), ("$after", afterSequence)));

    private static (string, object?)[] JobParameters(JobRecord j) =>
    [
        ("$id", j.Id), ("$kind", j.Kind ?? ""), ("$state", j.State ?? ""), ("$network", j.Network), ("$ds", j.DatasetId),
        ("$model", j.ModelId), ("$request", j.RequestJson ?? ""), ("$created", Timestamps.ToText(j.CreatedAt)),
        ("$started", Timestamps.ToText(j.StartedAt)), ("$finished", Timestamps.ToText(j.FinishedAt)),
        ("$epoch", j.Epoch), ("$epochs", j.Epochs), ("$loss", j.Loss), ("$val", j.ValLoss),
        ("$message", j.Message ?? ""), ("$owner", j.Owner),
    ];

    private static JobRecord ReadJob(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.NullableString(3), r.NullableString(4), r.NullableString(5),
            r.GetString(6), Timestamps.FromText(r.GetString(7)), Timestamps.FromNullableText(r.NullableString(8)),
            Timestamps.FromNullableText(r.NullableString(9)), r.GetInt32(10), r.GetInt32(11), r.GetDouble(12),
            r.GetDouble(13), r.GetString(14), r.NullableString(15));
}
