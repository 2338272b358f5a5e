using Grpc.Core;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli;

/// <summary>The process exit codes; scripts rely on them, so they never change meaning.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int ServerUnreachable = 2;
    public const int NotFound = 3;
    public const int InvalidInput = 4;
    public const int JobFailed = 5;
    public const int JobCancelled = 6;
    public const int ServerError = 7;
    /// <summary>The server wants an access token, refused the one given, or the item belongs to another user.</summary>
    public const int AccessDenied = 8;
    /// <summary>Ctrl+C on the client (a job keeps running on the server).</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        """
        Exit codes:
          0  ok
          1  usage error (unknown command, missing or invalid option)
          2  server unreachable (or it did not answer in time)
          3  not found (dataset, model, job, network or file)
          4  invalid input (rejected images, parameters or paths)
          5  job failed
          6  job cancelled
          7  other server error
          8  access denied (token missing or not valid, or the item belongs to another user)
          130 interrupted by Ctrl+C (a submitted job keeps running)
        """;

    /// <summary>Maps a gRPC status to the exit code a script sees.</summary>
    public static int FromStatusCode(StatusCode code) => code switch
    {
        StatusCode.OK => Ok,
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => ServerUnreachable,
        StatusCode.NotFound => NotFound,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange
            or StatusCode.AlreadyExists or StatusCode.ResourceExhausted => InvalidInput,
        StatusCode.Cancelled => JobCancelled,
        StatusCode.Unauthenticated or StatusCode.PermissionDenied => AccessDenied,
        _ => ServerError,
    };

    /// <summary>Exit code of a finished job: 0 succeeded, 5 failed, 6 cancelled.</summary>
    public static int FromJobState(JobState state) => state switch
    {
        JobState.Succeeded => Ok,
        JobState.Failed => JobFailed,
        JobState.Cancelled => JobCancelled,
        _ => ServerError,
    };
}
