using Grpc.Core;
using Microsoft.Extensions.Options;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Protos.V1;
using ZeroCostDL4Mic.Server.Interceptors;
using ZeroCostDL4Mic.Server.Mapping;
using ZeroCostDL4Mic.Server.Options;

namespace ZeroCostDL4Mic.Server.Grpc;

public sealed class JobsService(IJobService jobs, IOptions<ServerOptions> options, ILogger<JobsService> logger) : Jobs.JobsBase
{
    public override Task<SubmitJobResponse> SubmitTraining(SubmitTrainingRequest request, ServerCallContext context) =>
        Submitted(jobs.SubmitTraining(request.ToDomain(), context.Caller()));

    public override Task<SubmitJobResponse> SubmitQualityControl(SubmitQualityControlRequest request, ServerCallContext context) =>
        Submitted(jobs.SubmitQualityControl(request.ToDomain(), context.Caller()));

    public override Task<SubmitJobResponse> SubmitPrediction(SubmitPredictionRequest request, ServerCallContext context) =>
        Submitted(jobs.SubmitPrediction(request.ToDomain(), context.Caller()));

    /// <summary>Stored events first, then live ones until the job ends or the client goes away.</summary>
    public override async Task WatchJob(WatchJobRequest request, IServerStreamWriter<JobEvent> responseStream, ServerCallContext context)
    {
        await foreach (var e in jobs.WatchAsync(request.JobId, context.CancellationToken))
            await responseStream.WriteAsync(e.ToProto(), context.CancellationToken);
    }

    public override Task<CancelJobResponse> CancelJob(CancelJobRequest request, ServerCallContext context)
    {
        var job = jobs.Cancel(request.JobId, context.Caller());
        logger.LogInformation("{User} requested to cancel job {Id} ({State})", context.Caller().Name, job.Id, job.State);
        return Task.FromResult(new CancelJobResponse { Job = job.ToProto() });
    }

    public override Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var response = new ListJobsResponse();
        response.Jobs.AddRange(jobs.List(context.OwnerFilter(request.Owner, request.Mine)).Select(j => j.ToProto()));
        return Task.FromResult(response);
    }

    public override Task<GetJobResponse> GetJob(GetJobRequest request, ServerCallContext context) =>
        Task.FromResult(new GetJobResponse { Job = jobs.Get(request.JobId).ToProto() });

    public override async Task DownloadJobFile(DownloadJobFileRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        await using var file = jobs.OpenOutputFile(request.JobId, request.FileName);
        await foreach (var chunk in FileChunks.ReadAsync(file, request.FileName, options.Value.ChunkBytes, context.CancellationToken))
            await responseStream.WriteAsync(chunk, context.CancellationToken);
    }

    private Task<SubmitJobResponse> Submitted(JobView job)
    {
        logger.LogInformation("Queued {Kind} job {Id} for {Owner} (network {Network}, dataset {Dataset}, model {Model})",
            job.Kind, job.Id, job.Owner, job.Network, job.DatasetId, job.ModelId);
        return Task.FromResult(new SubmitJobResponse { Job = job.ToProto() });
    }
}
