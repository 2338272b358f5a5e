using Grpc.Core;
using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Cli.Tests;

public class ExitCodeTests
{
    [Theory]
    [InlineData(StatusCode.OK, 0)]
    [InlineData(StatusCode.Unavailable, 2)]
    [InlineData(StatusCode.DeadlineExceeded, 2)]
    [InlineData(StatusCode.NotFound, 3)]
    [InlineData(StatusCode.InvalidArgument, 4)]
    [InlineData(StatusCode.FailedPrecondition, 4)]
    [InlineData(StatusCode.OutOfRange, 4)]
    [InlineData(StatusCode.ResourceExhausted, 4)]
    [InlineData(StatusCode.AlreadyExists, 4)]
    [InlineData(StatusCode.Cancelled, 6)]
    [InlineData(StatusCode.Internal, 7)]
    [InlineData(StatusCode.Unknown, 7)]
    [InlineData(StatusCode.Unimplemented, 7)]
    [InlineData(StatusCode.PermissionDenied, 8)]
    [InlineData(StatusCode.Unauthenticated, 8)]
    public void Status_codes_map_to_documented_exit_codes(StatusCode status, int exitCode) =>
        Assert.Equal(exitCode, ExitCodes.FromStatusCode(status));

    [Theory]
    [InlineData(JobState.Succeeded, 0)]
    [InlineData(JobState.Failed, 5)]
    [InlineData(JobState.Cancelled, 6)]
    [InlineData(JobState.Running, 7)]
    public void A_followed_job_ends_the_process_with_its_outcome(JobState state, int exitCode) =>
        Assert.Equal(exitCode, ExitCodes.FromJobState(state));

    [Fact]
    public void Every_exit_code_is_documented()
    {
        foreach (var code in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 130 })
            Assert.Contains($"  {code} ", ExitCodes.HelpText);
    }
}
