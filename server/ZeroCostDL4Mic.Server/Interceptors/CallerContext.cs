using Grpc.Core;
using ZeroCostDL4Mic.Engine.Api;

namespace ZeroCostDL4Mic.Server.Interceptors;

/// <summary>The caller of a gRPC call, as AccessTokenInterceptor found it; services pass it to the engine.</summary>
public static class CallerContext
{
    private static readonly object Key = typeof(Caller);

    public static Caller Caller(this ServerCallContext context) =>
        context.UserState.TryGetValue(Key, out var value) && value is Caller caller
            ? caller
            // Never a silent default: a call that skipped the interceptor must not become an admin.
            : throw new InvalidOperationException($"{context.Method} has no caller; is AccessTokenInterceptor registered?");

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.UserState[Key] = caller;

    /// <summary>The owner a list request asks for: the caller's own items (mine), one user's, or everyone's (null).</summary>
    public static string? OwnerFilter(this ServerCallContext context, string owner, bool mine) =>
        mine ? context.Caller().Name : string.IsNullOrEmpty(owner) ? null : owner;
}
