using ZeroCostDL4Mic.Engine.Errors;
using Api = ZeroCostDL4Mic.Engine.Api;
using V1 = ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>Enums between the wire and the engine; an unspecified required enum is a named bad field.</summary>
public static class EnumMapping
{
    public static Api.DatasetKind ToDomain(this V1.DatasetKind kind, string field) => kind switch
    {
        V1.DatasetKind.Paired => Api.DatasetKind.Paired,
        V1.DatasetKind.Masks => Api.DatasetKind.Masks,
        V1.DatasetKind.Images => Api.DatasetKind.Images,
        _ => throw new InvalidInputException(field, "kind must be paired, masks or images"),
    };

    public static V1.DatasetKind ToProto(this Api.DatasetKind kind) => kind switch
    {
        Api.DatasetKind.Paired => V1.DatasetKind.Paired,
        Api.DatasetKind.Masks => V1.DatasetKind.Masks,
        Api.DatasetKind.Images => V1.DatasetKind.Images,
        _ => V1.DatasetKind.Unspecified,
    };

    public static Api.SampleRole ToDomain(this V1.SampleRole role, string field) => role switch
    {
        V1.SampleRole.Source => Api.SampleRole.Source,
        V1.SampleRole.Target => Api.SampleRole.Target,
        _ => throw new InvalidInputException(field, "role must be source or target"),
    };

    public static V1.SampleRole ToProto(this Api.SampleRole role) => role switch
    {
        Api.SampleRole.Source => V1.SampleRole.Source,
        Api.SampleRole.Target => V1.SampleRole.Target,
        _ => V1.SampleRole.Unspecified,
    };

    /// <summary>Unspecified means the best weights, as the proto documents.</summary>
    public static Api.WeightsChoice ToDomain(this V1.WeightsChoice weights) =>
        weights == V1.WeightsChoice.Last ? Api.WeightsChoice.Last : Api.WeightsChoice.Best;

    public static V1.JobState ToProto(this Api.JobState state) => state switch
    {
        Api.JobState.Queued => V1.JobState.Queued,
        Api.JobState.Running => V1.JobState.Running,
        Api.JobState.Succeeded => V1.JobState.Succeeded,
        Api.JobState.Failed => V1.JobState.Failed,
        Api.JobState.Cancelled => V1.JobState.Cancelled,
        _ => V1.JobState.Unspecified,
    };

    public static V1.JobKind ToProto(this Api.JobKind kind) => kind switch
    {
        Api.JobKind.Training => V1.JobKind.Training,
        Api.JobKind.QualityControl => V1.JobKind.QualityControl,
        Api.JobKind.Prediction => V1.JobKind.Prediction,
        _ => V1.JobKind.Unspecified,
    };

    public static V1.OutputKind ToProto(this Api.OutputKind kind) => kind switch
    {
        Api.OutputKind.Restored => V1.OutputKind.Restored,
        Api.OutputKind.Probability => V1.OutputKind.Probability,
        Api.OutputKind.Mask => V1.OutputKind.Mask,
        Api.OutputKind.Labels => V1.OutputKind.Labels,
        _ => V1.OutputKind.Unspecified,
    };

    public static V1.ParameterType ToProto(this Api.ParameterKind kind) => kind switch
    {
        Api.ParameterKind.Int => V1.ParameterType.Int,
        Api.ParameterKind.Float => V1.ParameterType.Float,
        Api.ParameterKind.Bool => V1.ParameterType.Bool,
        Api.ParameterKind.Choice => V1.ParameterType.Choice,
        _ => V1.ParameterType.Unspecified,
    };
}
