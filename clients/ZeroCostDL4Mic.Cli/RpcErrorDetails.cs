using Google.Protobuf;
using Grpc.Core;

namespace ZeroCostDL4Mic.Cli;

/// <summary>
/// Reads the field violations (google.rpc.BadRequest) from the rich status a server attaches to an error,
/// so that "patch_size: must be a multiple of 8" reaches the user as the server wrote it.
/// </summary>
public static class RpcErrorDetails
{
    private const string StatusDetailsTrailer = "grpc-status-details-bin";
    private const string BadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

    public static IReadOnlyList<(string Field, string Description)> FieldViolations(Metadata? trailers)
    {
        var entry = trailers?.Get(StatusDetailsTrailer);
        if (entry is null || !entry.IsBinary) return Array.Empty<(string, string)>();
        try
        {
            return ReadStatus(entry.ValueBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return Array.Empty<(string, string)>();
        }
    }

    // google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
    private static List<(string, string)> ReadStatus(byte[] bytes)
    {
        var violations = new List<(string, string)>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 3 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var (typeUrl, value) = ReadAny(input.ReadBytes());
                if (typeUrl == BadRequestTypeUrl) violations.AddRange(ReadBadRequest(value));
            }
            else input.SkipLastField();
        }
        return violations;
    }

    // google.protobuf.Any { string type_url = 1; bytes value = 2; }
    private static (string TypeUrl, ByteString Value) ReadAny(ByteString bytes)
    {
        string typeUrl = "";
        var value = ByteString.Empty;
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: typeUrl = input.ReadString(); break;
                case 2: value = input.ReadBytes(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (typeUrl, value);
    }

    // google.rpc.BadRequest { repeated FieldViolation field_violations = 1; } FieldViolation { string field = 1; string description = 2; }
    private static IEnumerable<(string, string)> ReadBadRequest(ByteString bytes)
    {
        var result = new List<(string, string)>();
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1) { input.SkipLastField(); continue; }
            var violation = input.ReadBytes().CreateCodedInput();
            string field = "", description = "";
            uint inner;
            while ((inner = violation.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(inner))
                {
                    case 1: field = violation.ReadString(); break;
                    case 2: description = violation.ReadString(); break;
                    default: violation.SkipLastField(); break;
                }
            }
            result.Add((field, description));
        }
        return result;
    }
}
