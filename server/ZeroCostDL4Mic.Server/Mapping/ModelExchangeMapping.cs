using ZeroCostDL4Mic.Engine.Errors;
using Api = ZeroCostDL4Mic.Engine.Api;
using V1 = ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>Export requests and backends between the proto and the engine.</summary>
public static class ModelExchangeMapping
{
    public static Api.ModelExportRequest ToDomain(this V1.ExportModelRequest r)
    {
        if (string.IsNullOrEmpty(r.ModelId)) throw new InvalidInputException("model_id", "model id is empty");
        var format = r.Format switch
        {
            V1.ExportFormat.Unspecified or V1.ExportFormat.Bioimageio => Api.ExportFormat.BioImageIo,
            V1.ExportFormat.Onnx => Api.ExportFormat.Onnx,
            _ => throw new InvalidInputException("format", $"unknown export format {(int)r.Format}"),
        };
        return new Api.ModelExportRequest(r.ModelId, format, r.BioimageioFormatVersion, r.Weights.ToDomain(), r.Binarize,
            r.Authors.Where(a => !string.IsNullOrWhiteSpace(a)).ToList(), string.IsNullOrWhiteSpace(r.License) ? null : r.License);
    }

    public static Api.InferenceBackend ToDomain(this V1.InferenceBackend backend) => backend switch
    {
        V1.InferenceBackend.Unspecified => Api.InferenceBackend.Auto,
        V1.InferenceBackend.Torch => Api.InferenceBackend.Torch,
        V1.InferenceBackend.Onnx => Api.InferenceBackend.Onnx,
        _ => throw new InvalidInputException("header.backend", $"unknown inference backend {(int)backend}"),
    };
}
