using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace ZeroCostDL4Mic.Cli;

/// <summary>--json output: protobuf messages in their canonical JSON form with the .proto field names.</summary>
public static class JsonOutput
{
    private static readonly JsonFormatter Formatter = new(
        JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithPreserveProtoFieldNames(true));

    // Relaxed escaping keeps quotes, backticks and non-ASCII names readable; the output is never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode ToNode(IMessage message) => JsonNode.Parse(Formatter.Format(message))!;

    public static JsonArray ToArray(IEnumerable<IMessage> messages) => new(messages.Select(m => (JsonNode?)ToNode(m)).ToArray());

    public static void Write(CliConsole console, JsonNode node) => console.Output.WriteLine(node.ToJsonString(Indented));

    public static void Write(CliConsole console, IMessage message) => Write(console, ToNode(message));
}
