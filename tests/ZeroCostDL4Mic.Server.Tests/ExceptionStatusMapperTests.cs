using Grpc.Core;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using ZeroCostDL4Mic.Server.Interceptors;

namespace ZeroCostDL4Mic.Server.Tests;

public class ExceptionStatusMapperTests
{
    [Fact]
    public void Domain_exceptions_map_to_their_codes()
    {
        Assert.Equal(StatusCode.NotFound, Map(new NotFoundException("model", "m1")).StatusCode);
        Assert.Equal("model 'm1' not found", Map(new NotFoundException("model", "m1")).Status.Detail);
        Assert.Equal(StatusCode.FailedPrecondition, Map(new PreconditionFailedException("model is still training")).StatusCode);
        Assert.Equal(StatusCode.ResourceExhausted, Map(new LimitExceededException("too big")).StatusCode);
        var denied = Map(new PermissionDeniedException("dataset 'ds_1' (nuclei) belongs to alice; only alice or an admin can delete it (you are bob)"));
        Assert.Equal((StatusCode.PermissionDenied, "dataset 'ds_1' (nuclei) belongs to alice; only alice or an admin can delete it (you are bob)"),
            (denied.StatusCode, denied.Status.Detail));
        Assert.Equal(StatusCode.InvalidArgument, Map(new ArgumentException("bad name")).StatusCode);
        var unmapped = Map(new ZeroCostDL4Mic.Engine.Export.Onnx.UnmappedLayerException("GELU", "UNet/activation"));
        Assert.Equal((StatusCode.FailedPrecondition, "cannot export to ONNX: layer type 'GELU' at 'UNet/activation' has no ONNX mapping"),
            (unmapped.StatusCode, unmapped.Status.Detail));
        var image = Map(new ImageFormatException("cells.tif: file ends inside strip 3"));
        Assert.Equal((StatusCode.InvalidArgument, "cells.tif: file ends inside strip 3"), (image.StatusCode, image.Status.Detail));
    }

    [Fact]
    public void Invalid_input_carries_field_violations()
    {
        var e = Map(new InvalidInputException("2 bad parameters", [new("epochs", "must be at least 1"), new("foo", "unknown parameter")]));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("2 bad parameters", e.Status.Detail);
        Assert.Equal([("epochs", "must be at least 1"), ("foo", "unknown parameter")],
            ImageMessageTests.Violations(e).Select(v => (v.Field, v.Description)));
    }

    [Fact]
    public void Argument_exception_drops_the_parameter_suffix_and_names_the_field()
    {
        var e = Map(new ArgumentException("dataset name '../x' must not contain '..'", "name"));
        Assert.Equal("dataset name '../x' must not contain '..'", e.Status.Detail);
        Assert.Equal("name", ImageMessageTests.Violations(e).Single().Field);
    }

    [Fact]
    public void Unexpected_exceptions_leak_nothing()
    {
        var e = Map(new NullReferenceException("secret path /home/x at Foo.Bar()"));
        Assert.Equal(StatusCode.Internal, e.StatusCode);
        Assert.Equal("internal error", e.Status.Detail);
    }

    [Fact]
    public void Cancellation_is_cancelled_only_when_the_call_was()
    {
        Assert.Equal(StatusCode.Cancelled, ExceptionStatusMapper.Map(new OperationCanceledException(), callCancelled: true).StatusCode);
        Assert.Equal(StatusCode.Internal, ExceptionStatusMapper.Map(new OperationCanceledException(), callCancelled: false).StatusCode);
    }

    private static RpcException Map(Exception e) => ExceptionStatusMapper.Map(e, callCancelled: false);
}
