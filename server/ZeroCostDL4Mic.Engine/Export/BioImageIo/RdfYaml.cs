using System.Collections;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>An ordered YAML mapping; keys keep the order they were added in, as the rdf examples show them.</summary>
public sealed class YamlMap : IEnumerable<(string Key, object? Value)>
{
    readonly List<(string Key, object? Value)> entries = new();

    public void Add(string key, object? value) => entries.Add((key, value));

    public IEnumerator<(string Key, object? Value)> GetEnumerator() => entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Writes rdf.yaml through YamlDotNet's representation model: every string value double-quoted (so
/// format_version, hashes and names never parse as numbers or booleans), numbers in invariant round-trip form.
/// </summary>
public static class RdfYaml
{
    public static string Write(YamlMap root)
    {
        var stream = new YamlStream(new YamlDocument(Node(root)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    static YamlNode Node(object? value) => value switch
    {
        null => new YamlScalarNode("null") { Style = ScalarStyle.Plain },
        string s => new YamlScalarNode(s) { Style = ScalarStyle.DoubleQuoted },
        bool b => new YamlScalarNode(b ? "true" : "false") { Style = ScalarStyle.Plain },
        int or long => new YamlScalarNode(Convert.ToString(value, CultureInfo.InvariantCulture)) { Style = ScalarStyle.Plain },
        double or float => new YamlScalarNode(Number(Convert.ToDouble(value, CultureInfo.InvariantCulture))) { Style = ScalarStyle.Plain },
        YamlMap map => Mapping(map),
        IEnumerable items => Sequence(items),
        _ => throw new ArgumentException($"no YAML form for {value.GetType().Name}"),
    };

    static YamlMappingNode Mapping(YamlMap map)
    {
        var node = new YamlMappingNode();
        foreach (var (key, value) in map) node.Add(new YamlScalarNode(key), Node(value));
        return node;
    }

    static YamlSequenceNode Sequence(IEnumerable items)
    {
        var node = new YamlSequenceNode();
        bool scalars = true;
        foreach (var item in items)
        {
            node.Add(Node(item));
            scalars &= item is not (YamlMap or IEnumerable) || item is string;
        }
        if (scalars) node.Style = YamlDotNet.Core.Events.SequenceStyle.Flow;
        return node;
    }

    /// <summary>A float every YAML 1.1 reader (SnakeYAML in JDLL, PyYAML) reads as one: a dot in the mantissa, a signed exponent.</summary>
    static string Number(double v)
    {
        if (double.IsPositiveInfinity(v)) return ".inf";
        if (double.IsNegativeInfinity(v)) return "-.inf";
        if (double.IsNaN(v)) return ".nan";
        var text = v.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOfAny(new[] { 'E', 'e' });
        var mantissa = e < 0 ? text : text[..e];
        if (!mantissa.Contains('.')) mantissa += ".0";
        if (e < 0) return mantissa;
        var exponent = text[(e + 1)..];
        return mantissa + "e" + (exponent.StartsWith('-') || exponent.StartsWith('+') ? exponent : "+" + exponent);
    }
}
