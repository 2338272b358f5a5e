using System.Globalization;
using System.IO.Compression;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using ZeroCostDL4Mic.Engine.Errors;
using Map = System.Collections.Generic.Dictionary<object, object>;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// Reads a bioimage.io model package (zip) with ONNX weights and checks it as bioimageio's validate-format does
/// for what prediction here needs: rdf.yaml at the root, parseable, of type model and format 0.4/0.5, one
/// single-channel 2D input and output, processing DeepImageJ runs, every listed file present and every given sha256
/// matching. Each problem is an InvalidInputException that names the file or rdf field.
/// </summary>
public static class PackageReader
{
    const long MaxEntryBytes = 2L << 30;

    public static (PackageDescription Description, IReadOnlyDictionary<string, byte[]> Files) Read(byte[] zip)
    {
        var files = Unzip(zip);
        if (!files.TryGetValue(BioImageIoPackage.RdfFile, out var rdfBytes))
            throw new InvalidInputException("rdf.yaml", "the package has no rdf.yaml at its root" +
                (files.Keys.FirstOrDefault(k => k.EndsWith("rdf.yaml", StringComparison.Ordinal)) is { } nested ? $" (found '{nested}' in a folder)" : ""));
        var description = Parse(System.Text.Encoding.UTF8.GetString(rdfBytes), out var references);
        foreach (var (name, sha256) in references)
        {
            if (!files.TryGetValue(name, out var bytes))
                throw new InvalidInputException(name, $"is listed in rdf.yaml but missing from the package");
            if (sha256 is not null && !string.Equals(BioImageIoPackage.Sha256(bytes), sha256.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new InvalidInputException(name, $"sha256 {BioImageIoPackage.Sha256(bytes)} does not match {sha256.Trim()} given in rdf.yaml");
        }
        return (description, files);
    }

    static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var entry in archive.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                if (entry.Length > MaxEntryBytes) throw new InvalidInputException(entry.FullName, "is larger than 2 GB");
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                files[entry.FullName] = copy.ToArray();
            }
            return files;
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException("package", $"is not a readable zip file: {e.Message}");
        }
    }

    /// <summary>Parses rdf.yaml; <paramref name="references"/> lists every file it names with its sha256 when given.</summary>
    public static PackageDescription Parse(string yaml, out List<(string File, string? Sha256)> references)
    {
        Map rdf;
        try
        {
            rdf = new DeserializerBuilder().Build().Deserialize<object>(yaml) as Map
                ?? throw new InvalidInputException("rdf.yaml", "is not a YAML mapping");
        }
        catch (YamlException e)
        {
            throw new InvalidInputException("rdf.yaml", $"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
        }
        references = new List<(string, string?)>();
        if (Text(rdf, "type") != "model") throw Bad("type", $"'{Text(rdf, "type")}' is not 'model'");
        var version = Text(rdf, "format_version");
        bool v05 = version.StartsWith("0.5.", StringComparison.Ordinal) || version == "0.5";
        if (!v05 && !version.StartsWith("0.4.", StringComparison.Ordinal))
            throw Bad("format_version", $"'{version}' is not supported (0.4.x or 0.5.x)");
        var name = Text(rdf, "name");
        var id = Optional(rdf, "id") ?? Optional(Child(rdf, "config", false), "bioimageio", "nickname") ?? "";
        var description = Optional(rdf, "description") ?? "";

        var weights = Child(Child(rdf, "weights"), "onnx", true,
            "has no ONNX weights (weights.onnx); only ONNX packages can be imported");
        var weightsSource = Text(weights, "source", "weights.onnx.source");
        references.Add((weightsSource, Optional(weights, "sha256")));

        var inputs = Items(rdf, "inputs");
        var outputs = Items(rdf, "outputs");
        if (inputs.Count != 1 || outputs.Count != 1)
            throw Bad("inputs", $"the model has {inputs.Count} inputs and {outputs.Count} outputs; only one of each is supported");
        var input = AsMap(inputs[0], "inputs[0]");
        var output = AsMap(outputs[0], "outputs[0]");

        int min, step, halo;
        string? testInput, testOutput;
        if (v05)
        {
            (min, step) = SpaceSizes05(input);
            CheckOutputAxes05(output);
            halo = Axes(output, "outputs[0]").Select(a => AsMap(a, "outputs[0].axes")).Where(a => Optional(a, "id") is "y" or "x")
                .Select(a => Optional(a, "halo") is { } h ? Int(h, "outputs[0].axes.halo") : 0).DefaultIfEmpty(0).Max();
            testInput = TestTensor(input, references);
            testOutput = TestTensor(output, references);
            foreach (var attachment in rdf.TryGetValue("attachments", out var a) && a is List<object> list ? list : new List<object>())
                if (attachment is Map m && Optional(m, "source") is { } source && !IsUrl(source)) references.Add((source, Optional(m, "sha256")));
        }
        else
        {
            if (Text(input, "axes", "inputs[0].axes") != "bcyx" || Text(output, "axes", "outputs[0].axes") != "bcyx")
                throw Bad("inputs[0].axes", "only 'bcyx' models (one 2D image with one channel) are supported");
            (min, step) = SpaceSizes04(input);
            CheckOutputChannels04(output);
            halo = output.TryGetValue("halo", out var h) && h is List<object> halos && halos.Count == 4
                ? Math.Max(Int(halos[2], "outputs[0].halo"), Int(halos[3], "outputs[0].halo")) : 0;
            testInput = rdf.TryGetValue("test_inputs", out var ti) && ti is List<object> { Count: > 0 } til ? til[0] as string : null;
            testOutput = rdf.TryGetValue("test_outputs", out var to) && to is List<object> { Count: > 0 } tol ? tol[0] as string : null;
            if (testInput is not null) references.Add((testInput, null));
            if (testOutput is not null) references.Add((testOutput, null));
        }
        if (Optional(rdf, "documentation") is { } doc && !IsUrl(doc)) references.Add((doc, null));

        var pre = Steps(input, "preprocessing", v05);
        var post = Steps(output, "postprocessing", v05);
        (double, double)? range = null;
        var rangeList = v05 ? (output.TryGetValue("data", out var d) && d is Map data && data.TryGetValue("range", out var r) ? r as List<object> : null)
            : output.TryGetValue("data_range", out var r4) ? r4 as List<object> : null;
        if (rangeList is { Count: 2 } && TryDouble(rangeList[0], out var lo) && TryDouble(rangeList[1], out var hi) && double.IsFinite(lo) && double.IsFinite(hi))
            range = (lo, hi);
        var network = Optional(Child(Child(rdf, "config", false), "zerocostdl4mic", false), "network");
        return new PackageDescription(version, id, name, description, min, step, halo, pre, post, weightsSource, testInput, testOutput, range, network);
    }

    static (int Min, int Step) SpaceSizes05(Map input)
    {
        var axes = Axes(input, "inputs[0]").Select(a => AsMap(a, "inputs[0].axes")).ToList();
        var kinds = axes.Select(a => Optional(a, "type") == "batch" ? "b" : Optional(a, "type") == "channel" ? "c" : Optional(a, "id") ?? "?").ToList();
        if (string.Concat(kinds) != "bcyx")
            throw Bad("inputs[0].axes", $"axes '{string.Join(",", kinds)}' are not batch, channel, y, x (only single-channel 2D models are supported)");
        var channel = axes[1];
        int channels = channel.TryGetValue("channel_names", out var names) && names is List<object> list ? list.Count : channel.TryGetValue("size", out var s) ? Int(s, "inputs[0].axes.channel.size") : 1;
        if (channels != 1) throw Bad("inputs[0].axes", $"the input has {channels} channels; only single-channel models are supported");
        var (minY, stepY) = Size05(axes[2], "inputs[0].axes.y.size");
        var (minX, stepX) = Size05(axes[3], "inputs[0].axes.x.size");
        return (Math.Max(minY, minX), Math.Max(stepY, stepX));
    }

    static (int Min, int Step) Size05(Map axis, string field)
    {
        if (!axis.TryGetValue("size", out var size)) throw Bad(field, "is missing");
        if (size is Map m) return (Int(Req(m, "min", field + ".min"), field + ".min"), Int(Req(m, "step", field + ".step"), field + ".step"));
        return (Int(size, field), 0);
    }

    static void CheckOutputAxes05(Map output)
    {
        var axes = Axes(output, "outputs[0]").Select(a => AsMap(a, "outputs[0].axes")).ToList();
        var kinds = axes.Select(a => Optional(a, "type") == "batch" ? "b" : Optional(a, "type") == "channel" ? "c" : Optional(a, "id") ?? "?");
        if (string.Concat(kinds) != "bcyx")
            throw Bad("outputs[0].axes", $"axes '{string.Join(",", kinds)}' are not batch, channel, y, x");
        var channel = axes[1];
        CheckOutputChannels(channel.TryGetValue("channel_names", out var names) && names is List<object> list ? list.Count
            : channel.TryGetValue("size", out var s) ? Int(s, "outputs[0].axes.channel.size") : 1);
        foreach (var axis in axes.Skip(2))
            if (axis.TryGetValue("size", out var size) && size is Map m && (m.ContainsKey("offset") && Int(m["offset"], "outputs[0].axes.size.offset") != 0))
                throw Bad("outputs[0].axes", "outputs must have the input's size (offset 0)");
    }

    /// <summary>A prediction-only model has one output image; several channels need a network's own post-processing.</summary>
    static void CheckOutputChannels(int channels)
    {
        if (channels != 1)
            throw Bad("outputs[0].axes", $"the output has {channels} channels; only single-channel outputs can be imported " +
                "(a StarDist package's probability and distances need StarDist's post-processing: predict with the model it was exported from)");
    }

    /// <summary>0.4 output channels: a fixed shape, or the input's single channel times scale plus twice the offset.</summary>
    static void CheckOutputChannels04(Map output)
    {
        if (!output.TryGetValue("shape", out var shape)) throw Bad("outputs[0].shape", "is missing");
        if (shape is List<object> { Count: 4 } fixedShape)
        {
            CheckOutputChannels(Int(fixedShape[1], "outputs[0].shape"));
            return;
        }
        var m = AsMap(shape, "outputs[0].shape");
        var scale = Req(m, "scale", "outputs[0].shape.scale") as List<object>;
        var offset = Req(m, "offset", "outputs[0].shape.offset") as List<object>;
        if (scale is not { Count: 4 } || offset is not { Count: 4 }) throw Bad("outputs[0].shape", "scale and offset need 4 values (bcyx)");
        CheckOutputChannels((int)Math.Round(Double(scale[1], "outputs[0].shape.scale") + 2 * Double(offset[1], "outputs[0].shape.offset")));
    }

    static (int Min, int Step) SpaceSizes04(Map input)
    {
        if (!input.TryGetValue("shape", out var shape)) throw Bad("inputs[0].shape", "is missing");
        if (shape is List<object> fixedShape && fixedShape.Count == 4)
        {
            if (Int(fixedShape[1], "inputs[0].shape") != 1) throw Bad("inputs[0].shape", "only single-channel models are supported");
            return (Int(fixedShape[2], "inputs[0].shape"), 0);
        }
        var m = AsMap(shape, "inputs[0].shape");
        var min = Req(m, "min", "inputs[0].shape.min") as List<object>;
        var step = Req(m, "step", "inputs[0].shape.step") as List<object>;
        if (min is not { Count: 4 } || step is not { Count: 4 }) throw Bad("inputs[0].shape", "min and step need 4 values (bcyx)");
        if (Int(min[1], "inputs[0].shape.min") != 1) throw Bad("inputs[0].shape", "only single-channel models are supported");
        return (Math.Max(Int(min[2], "inputs[0].shape.min"), Int(min[3], "inputs[0].shape.min")),
            Math.Max(Int(step[2], "inputs[0].shape.step"), Int(step[3], "inputs[0].shape.step")));
    }

    static string? TestTensor(Map tensor, List<(string, string?)> references)
    {
        if (!tensor.TryGetValue("test_tensor", out var t) || t is not Map m || Optional(m, "source") is not { } source || IsUrl(source)) return null;
        references.Add((source, Optional(m, "sha256")));
        return source;
    }

    static List<ProcessingStep> Steps(Map tensor, string key, bool v05)
    {
        var steps = new List<ProcessingStep>();
        if (!tensor.TryGetValue(key, out var value) || value is null) return steps;
        foreach (var item in value as List<object> ?? throw Bad(key, "is not a list"))
        {
            var step = AsMap(item, key);
            var id = v05 ? Text(step, "id", key + ".id") : Text(step, "name", key + ".name");
            var kwargs = step.TryGetValue("kwargs", out var k) && k is Map km ? km : new Map();
            double D(string name, double? fallback = null) =>
                kwargs.TryGetValue(name, out var v) ? Double(v, $"{key}.{id}.{name}") : fallback ?? throw Bad($"{key}.{id}.{name}", "is missing");
            string? mode = Optional(kwargs, "mode");
            switch (id)
            {
                case "ensure_dtype":
                    break;
                case "scale_range" when kwargs.ContainsKey("reference_tensor"):
                    throw Bad($"{key}.scale_range", "reference_tensor is not supported");
                case "scale_range" when mode is null or "per_sample":
                    steps.Add(new ScaleRange(D("min_percentile", 0), D("max_percentile", 100), D("eps", 1e-6)));
                    break;
                case "fixed_zero_mean_unit_variance":
                case "zero_mean_unit_variance" when mode == "fixed":
                    steps.Add(new FixedZeroMeanUnitVariance(D("mean"), D("std")));
                    break;
                case "scale_linear":
                    steps.Add(new ScaleLinear(D("gain", 1), D("offset", 0)));
                    break;
                case "binarize":
                    steps.Add(new Binarize(D("threshold")));
                    break;
                case "sigmoid":
                    steps.Add(new SigmoidStep());
                    break;
                default:
                    throw Bad($"{key}.{id}", $"processing '{id}'{(mode is null ? "" : $" (mode {mode})")} is not supported for import");
            }
        }
        return steps;
    }

    static bool IsUrl(string source) => source.Contains("://", StringComparison.Ordinal);

    static InvalidInputException Bad(string field, string problem) => new($"rdf.yaml {field}", problem);

    static List<object> Axes(Map tensor, string field) =>
        tensor.TryGetValue("axes", out var a) && a is List<object> list ? list : throw Bad(field + ".axes", "is missing or not a list");

    static List<object> Items(Map rdf, string key) =>
        rdf.TryGetValue(key, out var v) && v is List<object> list ? list : throw Bad(key, "is missing or not a list");

    static Map AsMap(object? value, string field) => value as Map ?? throw Bad(field, "is not a mapping");

    static Map Child(Map map, string key, bool required = true, string? problem = null) =>
        map.TryGetValue(key, out var v) && v is Map m ? m : required ? throw Bad(key, problem ?? "is missing") : new Map();

    static string? Optional(Map map, string key) => map.TryGetValue(key, out var v) ? v as string : null;

    static string? Optional(Map map, string key, string inner) => map.TryGetValue(key, out var v) && v is Map m ? Optional(m, inner) : null;

    static object Req(Map map, string key, string field) => map.TryGetValue(key, out var v) && v is not null ? v : throw Bad(field, "is missing");

    static string Text(Map map, string key, string? field = null) =>
        map.TryGetValue(key, out var v) && v is string s && s.Length > 0 ? s : throw Bad(field ?? key, "is missing");

    static int Int(object? value, string field) =>
        value is string s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= 0 ? i : throw Bad(field, $"'{value}' is not a non-negative integer");

    static double Double(object? value, string field) => TryDouble(value, out var d) ? d : throw Bad(field, $"'{value}' is not a number");

    static bool TryDouble(object? value, out double d)
    {
        d = 0;
        if (value is not string s) return false;
        if (s is ".inf" or "+.inf") { d = double.PositiveInfinity; return true; }
        if (s is "-.inf") { d = double.NegativeInfinity; return true; }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d);
    }
}
