using Grpc.Core;
using Grpc.Core.Interceptors;
using ZeroCostDL4Mic.Engine.Api;

namespace ZeroCostDL4Mic.Server.Interceptors;

/// <summary>
/// Finds the caller of every call (unary and streaming alike) from its "authorization: Bearer &lt;token&gt;" header and
/// hands it to services through <see cref="CallerContext"/>. Without configured users everyone is Caller.Local and
/// headers are ignored. Runs inside ExceptionInterceptor; its own refusals are already gRPC statuses.
/// </summary>
public sealed class AccessTokenInterceptor(AccessTokens tokens, ILogger<AccessTokenInterceptor> logger) : Interceptor
{
    private const string Scheme = "Bearer ";

    public const string MissingTokenMessage =
        "this server requires an access token: ask its administrator for one and pass it with --token or DL4MIC_TOKEN " +
        "(dl4mic) or in Plugins > ZeroCostDL4Mic > Server... (Fiji)";

    public const string InvalidTokenMessage =
        "the access token is not valid on this server: check it for typos, or ask the server's administrator for a new one";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Identify(ServerCallContext context)
    {
        if (!tokens.Required)
        {
            context.SetCaller(Caller.Local);
            return;
        }
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header)) throw Refuse(context, MissingTokenMessage, "no token");
        var token = header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : "";
        var caller = tokens.Find(token) ?? throw Refuse(context, InvalidTokenMessage, "a wrong token");
        context.SetCaller(caller);
    }

    private RpcException Refuse(ServerCallContext context, string message, string what)
    {
        // The peer, never the token: logs are read by more people than the tokens file.
        logger.LogWarning("{Method} from {Peer} refused: {What}", context.Method, context.Peer, what);
        return new RpcException(new Status(StatusCode.Unauthenticated, message));
    }
}
