using ZeroCostDL4Mic.Engine.Api;

namespace ZeroCostDL4Mic.Engine.Tests;

public class EngineOptionsTests
{
    [Theory]
    [InlineData("auto", InferenceBackend.Auto)]
    [InlineData("onnx", InferenceBackend.Onnx)]
    [InlineData("Torch", InferenceBackend.Torch)]
    public void The_configured_inference_backend_is_auto_onnx_or_torch(string setting, InferenceBackend expected) =>
        Assert.Equal(expected, new EngineOptions { InferenceBackend = setting }.DefaultInferenceBackend);

    [Fact]
    public void The_default_backend_is_auto_and_an_unknown_one_is_refused()
    {
        Assert.Equal(InferenceBackend.Auto, new EngineOptions().DefaultInferenceBackend);
        Assert.Null(new EngineOptions { InferenceBackend = "tensorrt" }.DefaultInferenceBackend);
    }
}
