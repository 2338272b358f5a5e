using Google.Protobuf.WellKnownTypes;
using ZeroCostDL4Mic.Engine.Errors;
using Api = ZeroCostDL4Mic.Engine.Api;
using V1 = ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>Engine views to proto messages, and the few request shapes that need more than a field copy.</summary>
public static class ViewMapping
{
    public static V1.Dataset ToProto(this Api.DatasetView d, bool withSamples = false)
    {
        var dataset = new V1.Dataset
        {
            Id = d.Id,
            Name = d.Name,
            Kind = d.Kind.ToProto(),
            CreatedAt = Timestamp.FromDateTimeOffset(d.CreatedAt),
            SampleCount = d.SampleCount,
            SizeBytes = d.SizeBytes,
            Owner = d.Owner,
        };
        if (withSamples) dataset.Samples.AddRange(d.Samples.Select(ToProto));
        return dataset;
    }

    public static V1.SampleInfo ToProto(this Api.SampleView s)
    {
        var sample = new V1.SampleInfo
        {
            Name = s.Name,
            Role = s.Role.ToProto(),
            Dtype = PixelTypes.ToDType(s.PixelType),
            Axes = s.Axes,
            Sha256 = s.Sha256,
            Min = s.Min,
            Max = s.Max,
            Mean = s.Mean,
            Std = s.Std,
        };
        sample.Shape.AddRange(s.Shape.Select(x => (long)x));
        return sample;
    }

    public static V1.NetworkInfo ToProto(this Api.NetworkInfo n)
    {
        var network = new V1.NetworkInfo
        {
            Key = n.Key,
            DisplayName = n.DisplayName,
            Description = n.Description,
            DatasetKind = n.DatasetKind.ToProto(),
            Citation = n.Citation,
        };
        network.Parameters.AddRange(n.Parameters.Select(ToProto));
        network.Outputs.AddRange(n.Outputs);
        network.QcMetrics.AddRange(n.QcMetrics);
        return network;
    }

    public static V1.ParameterSpec ToProto(this Api.ParameterSpec p)
    {
        var spec = new V1.ParameterSpec
        {
            Name = p.Name,
            Type = p.Kind.ToProto(),
            DefaultValue = p.Default,
            Min = p.Min,
            Max = p.Max,
            Description = p.Description,
            Group = p.Group,
        };
        if (p.Choices is not null) spec.Choices.AddRange(p.Choices);
        return spec;
    }

    public static V1.Job ToProto(this Api.JobView j)
    {
        var job = new V1.Job
        {
            Id = j.Id,
            Kind = j.Kind.ToProto(),
            State = j.State.ToProto(),
            Network = j.Network ?? "",
            DatasetId = j.DatasetId ?? "",
            ModelId = j.ModelId ?? "",
            CreatedAt = Timestamp.FromDateTimeOffset(j.CreatedAt),
            StartedAt = j.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
            FinishedAt = j.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
            Epoch = j.Epoch,
            Epochs = j.Epochs,
            Loss = j.Loss,
            ValLoss = j.ValLoss,
            Eta = j.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
            Message = j.Message ?? "",
            Owner = j.Owner,
        };
        job.Files.AddRange(j.Files.Select(ToProto));
        return job;
    }

    public static V1.JobEvent ToProto(this Api.JobEventView e)
    {
        var ev = new V1.JobEvent { JobId = e.JobId, Sequence = e.Sequence, Time = Timestamp.FromDateTimeOffset(e.Time) };
        switch (e.Body)
        {
            case Api.JobStateChanged s:
                ev.State = s.State.ToProto();
                break;
            case Api.JobProgressed p:
                ev.Progress = new V1.JobProgress
                {
                    Epoch = p.Epoch, Epochs = p.Epochs, Step = p.Step, Steps = p.Steps, Loss = p.Loss,
                    LearningRate = p.LearningRate, Eta = p.Eta is { } eta ? Duration.FromTimeSpan(eta) : null,
                };
                break;
            case Api.JobEpochCompleted m:
                ev.Epoch = new V1.EpochMetrics { Epoch = m.Epoch, Loss = m.Loss, ValLoss = m.ValLoss, LearningRate = m.LearningRate, Best = m.Best };
                break;
            case Api.JobMessage m:
                ev.Message = m.Text;
                break;
            case Api.JobSucceeded r:
                var result = new V1.JobResult { ModelId = r.ModelId ?? "", Qc = r.Qc?.ToProto() };
                result.Files.AddRange(r.Files.Select(ToProto));
                ev.Result = result;
                break;
            case Api.JobFailed f:
                ev.Failure = f.Reason;
                break;
        }
        return ev;
    }

    public static V1.Model ToProto(this Api.ModelView m)
    {
        var model = new V1.Model
        {
            Id = m.Id,
            Name = m.Name,
            Network = m.Network,
            DatasetId = m.DatasetId,
            BaseModelId = m.BaseModelId ?? "",
            CreatedAt = Timestamp.FromDateTimeOffset(m.CreatedAt),
            Qc = m.Qc?.ToProto(),
            TrainingJobId = m.TrainingJobId ?? "",
            Ready = m.Ready,
            Owner = m.Owner,
        };
        model.Parameters.AddRange(m.Parameters.Select(p => new V1.ParameterValue { Name = p.Key, Value = p.Value }));
        model.History.AddRange(m.History.Select(h => new V1.HistoryRow
        {
            Epoch = h.Epoch, Loss = h.Loss, ValLoss = h.ValLoss, LearningRate = h.LearningRate,
        }));
        model.Files.AddRange(m.Files.Select(ToProto));
        return model;
    }

    public static V1.QcReport ToProto(this Api.QcReport r)
    {
        var report = new V1.QcReport { CreatedAt = Timestamp.FromDateTimeOffset(r.CreatedAt) };
        foreach (var image in r.Images)
        {
            var result = new V1.QcImageResult { Image = image.Image };
            result.Metrics.AddRange(image.Metrics.Select(ToProto));
            report.Images.Add(result);
        }
        report.Summary.AddRange(r.Summary.Select(ToProto));
        return report;
    }

    public static V1.QcMetric ToProto(this Api.QcMetricValue m) => new() { Name = m.Name, Value = m.Value };

    public static V1.FileInfo ToProto(this Api.FileView f) => new() { Name = f.Name, SizeBytes = f.SizeBytes, Sha256 = f.Sha256 };

    /// <summary>Hyperparameters as the engine takes them; a name given twice is refused rather than silently overwritten.</summary>
    public static IReadOnlyDictionary<string, string> ToDictionary(this IEnumerable<V1.ParameterValue> parameters)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in parameters)
            if (!result.TryAdd(p.Name, p.Value))
                throw new InvalidInputException($"parameters.{p.Name}", $"parameter '{p.Name}' is given more than once");
        return result;
    }

    public static Api.TrainingRequest ToDomain(this V1.SubmitTrainingRequest r) => new(
        r.Network, r.DatasetId, r.Parameters.ToDictionary(),
        string.IsNullOrEmpty(r.BaseModelId) ? null : r.BaseModelId, r.BaseWeights.ToDomain(),
        string.IsNullOrEmpty(r.ModelName) ? null : r.ModelName);

    public static Api.QualityControlRequest ToDomain(this V1.SubmitQualityControlRequest r) =>
        new(r.ModelId, r.DatasetId, r.Weights.ToDomain());

    public static Api.BatchPredictionRequest ToDomain(this V1.SubmitPredictionRequest r) =>
        new(r.ModelId, r.DatasetId, r.Weights.ToDomain(), r.TileSize, r.TileOverlap);

    public static Api.PredictionOptions ToDomain(this V1.PredictHeader h) =>
        new(h.ModelId, h.Weights.ToDomain(), h.TileSize, h.TileOverlap, h.Threshold, h.Backend.ToDomain());
}
