using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Imaging;
using RpcStatus = Google.Rpc.Status;

namespace ZeroCostDL4Mic.Server.Interceptors;

/// <summary>
/// The one table from domain exceptions to gRPC status. Messages of domain exceptions are written for
/// users and pass through; anything unexpected becomes INTERNAL "internal error" with nothing leaked.
/// </summary>
public static class ExceptionStatusMapper
{
    public const string InternalMessage = "internal error";

    public static RpcException Map(Exception exception, bool callCancelled)
    {
        switch (exception)
        {
            case RpcException rpc:
                return rpc;
            case NotFoundException e:
                return Simple(Code.NotFound, e.Message);
            case InvalidInputException e:
                return InvalidArgument(e.Message, e.Violations.Select(v => (v.Field, v.Description)));
            case PermissionDeniedException e:
                return Simple(Code.PermissionDenied, e.Message);
            case PreconditionFailedException e:
                return Simple(Code.FailedPrecondition, e.Message);
            case Engine.Export.Onnx.UnmappedLayerException e:
                return Simple(Code.FailedPrecondition, e.Message);
            case LimitExceededException e:
                return Simple(Code.ResourceExhausted, e.Message);
            case ImageFormatException e:
                return InvalidArgument(e.Message, []);
            case ArgumentException e:
                return InvalidArgument(ArgumentMessage(e), e.ParamName is { Length: > 0 } p ? [(p, ArgumentMessage(e))] : []);
            case OperationCanceledException when callCancelled:
                return Simple(Code.Cancelled, "call cancelled");
            default:
                return Simple(Code.Internal, InternalMessage);
        }
    }

    private static RpcException Simple(Code code, string message) =>
        new RpcStatus { Code = (int)code, Message = message }.ToRpcException();

    private static RpcException InvalidArgument(string message, IEnumerable<(string Field, string Description)> violations)
    {
        var status = new RpcStatus { Code = (int)Code.InvalidArgument, Message = message };
        var badRequest = new BadRequest();
        badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        if (badRequest.FieldViolations.Count > 0) status.Details.Add(Any.Pack(badRequest));
        return status.ToRpcException();
    }

    /// <summary>ArgumentException appends " (Parameter 'x')" to its message; users do not need that.</summary>
    private static string ArgumentMessage(ArgumentException e)
    {
        var suffix = e.ParamName is null ? null : $" (Parameter '{e.ParamName}')";
        return suffix is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}
