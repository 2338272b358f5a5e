using Grpc.Core;
using Grpc.Core.Interceptors;

namespace ZeroCostDL4Mic.Server.Interceptors;

/// <summary>
/// Turns exceptions escaping any service method into gRPC status (see ExceptionStatusMapper); services
/// never catch to rethrow. Registered first, so later interceptors (authentication) run inside it.
/// </summary>
public sealed class ExceptionInterceptor(ILogger<ExceptionInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(request, context); }
        catch (Exception e) when (e is not RpcException) { throw Translate(e, context); }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { return await continuation(requestStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Translate(e, context); }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(request, responseStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Translate(e, context); }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try { await continuation(requestStream, responseStream, context); }
        catch (Exception e) when (e is not RpcException) { throw Translate(e, context); }
    }

    private RpcException Translate(Exception exception, ServerCallContext context)
    {
        var mapped = ExceptionStatusMapper.Map(exception, context.CancellationToken.IsCancellationRequested);
        if (mapped.StatusCode == StatusCode.Internal)
            logger.LogError(exception, "{Method} failed", context.Method);
        else if (mapped.StatusCode == StatusCode.Cancelled)
            logger.LogDebug("{Method} cancelled by the client", context.Method);
        else
            logger.LogInformation("{Method} refused: {Status} {Message}", context.Method, mapped.StatusCode, mapped.Status.Detail);
        return mapped;
    }
}
