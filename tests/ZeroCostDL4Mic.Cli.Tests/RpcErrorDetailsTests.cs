using Google.Protobuf;
using Grpc.Core;

namespace ZeroCostDL4Mic.Cli.Tests;

public class RpcErrorDetailsTests
{
    [Fact]
    public void Field_violations_are_read_from_the_rich_status_trailer()
    {
        var trailers = new Metadata { { "grpc-status-details-bin", StatusWithBadRequest(("patch_size", "must be a multiple of 8"), ("epochs", "must be at least 1")) } };

        var violations = RpcErrorDetails.FieldViolations(trailers);

        Assert.Equal([("patch_size", "must be a multiple of 8"), ("epochs", "must be at least 1")], violations);
    }

    [Fact]
    public void No_or_garbled_details_give_no_violations()
    {
        Assert.Empty(RpcErrorDetails.FieldViolations(null));
        Assert.Empty(RpcErrorDetails.FieldViolations(new Metadata()));
        Assert.Empty(RpcErrorDetails.FieldViolations(new Metadata { { "grpc-status-details-bin", new byte[] { 0x1a, 0x05, 0x01 } } }));
    }

    [Fact]
    public async Task A_server_error_is_reported_with_its_violations_and_exit_code()
    {
        var stderr = new StringWriter();
        var runner = new CommandRunner(new CommonOptions(), CliConsole.ForWriters(new StringWriter(), stderr));
        var root = new System.CommandLine.RootCommand();
        var status = new Status(StatusCode.InvalidArgument, "invalid training parameters");
        var trailers = new Metadata { { "grpc-status-details-bin", StatusWithBadRequest(("patch_size", "must be a multiple of 8")) } };

        var code = await runner.RunAsync(root.Parse([]), CancellationToken.None, _ => throw new RpcException(status, trailers));

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("invalid training parameters", stderr.ToString());
        Assert.Contains("patch_size: must be a multiple of 8", stderr.ToString());
    }

    /// <summary>google.rpc.Status { code 3, details [Any(BadRequest)] } encoded by hand.</summary>
    private static byte[] StatusWithBadRequest(params (string Field, string Description)[] violations)
    {
        var badRequest = new MemoryStream();
        using (var output = new CodedOutputStream(badRequest, leaveOpen: true))
        {
            foreach (var (field, description) in violations)
            {
                var violation = new MemoryStream();
                using (var inner = new CodedOutputStream(violation, leaveOpen: true))
                {
                    inner.WriteTag(1, WireFormat.WireType.LengthDelimited); inner.WriteString(field);
                    inner.WriteTag(2, WireFormat.WireType.LengthDelimited); inner.WriteString(description);
                }
                output.WriteTag(1, WireFormat.WireType.LengthDelimited); output.WriteBytes(ByteString.CopyFrom(violation.ToArray()));
            }
        }
        var any = new MemoryStream();
        using (var output = new CodedOutputStream(any, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.LengthDelimited); output.WriteString("type.googleapis.com/google.rpc.BadRequest");
            output.WriteTag(2, WireFormat.WireType.LengthDelimited); output.WriteBytes(ByteString.CopyFrom(badRequest.ToArray()));
        }
        var status = new MemoryStream();
        using (var output = new CodedOutputStream(status, leaveOpen: true))
        {
            output.WriteTag(1, WireFormat.WireType.Varint); output.WriteInt32(3);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited); output.WriteString("invalid training parameters");
            output.WriteTag(3, WireFormat.WireType.LengthDelimited); output.WriteBytes(ByteString.CopyFrom(any.ToArray()));
        }
        return status.ToArray();
    }
}
