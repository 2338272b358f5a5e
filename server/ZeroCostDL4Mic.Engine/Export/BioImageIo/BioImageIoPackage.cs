using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Imaging;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>
/// Writes a bioimage.io model package that DeepImageJ 3 (JDLL, ONNX Runtime 1.12) and bioimage.io's test_model
/// accept: a flat zip with rdf.yaml (format 0.5.7 or 0.4.10), weights.onnx, test_input.npy, test_output.npy,
/// cover.png, README.md and the QC figures. test_output is TorchSharp's prediction of test_input through the
/// declared pre- and post-processing, so the package reproduces the server within bioimage.io's 1e-3 tolerance.
/// </summary>
public static partial class BioImageIoPackage
{
    public const string RdfFile = "rdf.yaml";
    public const string WeightsFile = "weights.onnx";
    public const string TestInputFile = "test_input.npy";
    public const string TestOutputFile = "test_output.npy";
    public const string CoverFile = "cover.png";
    public const string ReadmeFile = "README.md";
    const int MaxTestSize = 256;

    public static readonly (string Text, string Doi) ZeroCostDL4MicCitation = (
        "von Chamier, L., Laine, R.F., Jukkala, J. et al. Democratising deep learning for microscopy with ZeroCostDL4Mic. Nat. Commun. 12, 2276 (2021)",
        "10.1038/s41467-021-22518-0");

    /// <summary>Input sizes {min, step}: step is the network's divisor, min leaves room for the halo on both sides.</summary>
    public static (int Min, int Step, int Halo) Sizes(PackageSource source)
    {
        int step = source.Network.Divisor(source.Parameters);
        int halo = source.Network.DefaultTileOverlap(source.Parameters);
        int min = (2 * halo + 1 + step - 1) / step * step;
        return (min, step, halo);
    }

    public static void Write(Stream output, PackageSource source, PackageOptions options)
    {
        bool v04 = options.FormatVersion switch
        {
            "0.5" or "" => false,
            "0.4" => true,
            _ => throw new InvalidInputException("bioimageio_format_version", $"'{options.FormatVersion}' is not supported; use 0.5 (default) or 0.4"),
        };
        var processing = source.Network.DescribeExport(source.Config.State, options.Binarize);
        var (min, step, halo) = Sizes(source);

        var onnx = OnnxExporter.Export(source.Network, source.Module, step, outputUpsample: source.Network.OutputGrid(source.Parameters));
        var (input, side) = TestInput(source.TestImage, min, step);
        var shape = new long[] { 1, 1, side, side };
        var expected = Predict(source, processing, input, shape);
        int channels = expected.Length / (side * side);
        var outputShape = new long[] { 1, channels, side, side };

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [WeightsFile] = onnx,
            [TestInputFile] = NpyFile.Write(input, shape),
            [TestOutputFile] = NpyFile.Write(expected, outputShape),
            [CoverFile] = CoverImage.Png(input, expected[..(side * side)], side),
        };
        foreach (var figure in source.Figures) files[figure.FileName] = figure.Png;
        files[ReadmeFile] = Encoding.UTF8.GetBytes(ModelReadme.Write(source, processing, options, (min, step, halo)));
        var rdf = v04 ? Rdf04(source, processing, options, files, (min, step, halo), channels) : Rdf05(source, processing, options, files, (min, step, halo), channels);
        files[RdfFile] = Encoding.UTF8.GetBytes(RdfYaml.Write(rdf));

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var name in new[] { RdfFile }.Concat(files.Keys.Where(k => k != RdfFile)))
        {
            var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
            entry.LastWriteTime = source.CreatedAt;
            using var stream = entry.Open();
            stream.Write(files[name]);
        }
    }

    /// <summary>
    /// The declared pre-processing, TorchSharp's forward and inference head (nearest-upsampled to the input size
    /// when the network predicts on a grid, as the exported graph does), the declared post-processing.
    /// </summary>
    public static float[] Predict(PackageSource source, ExportProcessing processing, float[] rawInput, long[] shape)
    {
        var data = (float[])rawInput.Clone();
        foreach (var step in processing.Preprocessing) step.Apply(data, shape);
        float[] output;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            source.Module.eval();
            var device = source.Module.parameters().FirstOrDefault()?.device ?? CPU;
            var result = source.Network.InferenceHead(source.Module.forward(tensor(data, shape).to(device)));
            int grid = source.Network.OutputGrid(source.Parameters);
            if (grid > 1) result = nn.functional.interpolate(result, scale_factor: new double[] { grid, grid }, mode: InterpolationMode.Nearest);
            output = result.cpu().contiguous().data<float>().ToArray();
        }
        foreach (var step in processing.Postprocessing) step.Apply(output, shape);
        return output;
    }

    /// <summary>A centred square of the first plane of the largest valid size up to 256 (reflect-padded up to min if the image is smaller).</summary>
    static (float[] Pixels, int Side) TestInput(ImageData image, int min, int step)
    {
        int h = image.Height, w = image.Width;
        var plane = image.Plane(0).ToArray();
        int limit = Math.Min(Math.Min(h, w), Math.Max(MaxTestSize, min));
        int side = limit < min ? min : min + (limit - min) / step * step;
        if (h < side || w < side)
        {
            int padY = Math.Max(0, side - h), padX = Math.Max(0, side - w);
            if (padY >= h || padX >= w)
                throw new PreconditionFailedException($"the test image ({h}x{w}) is too small for the network's minimum input size {min}");
            plane = ReflectPadding.Pad(plane, h, w, padY / 2, padY - padY / 2, padX / 2, padX - padX / 2);
            h += padY;
            w += padX;
        }
        return (ReflectPadding.Crop(plane, h, w, (h - side) / 2, (w - side) / 2, side, side), side);
    }

    static string[] ChannelNames(string name, int channels) =>
        channels == 1 ? new[] { name } : Enumerable.Range(0, channels).Select(c => $"{name}_{c}").ToArray();

    public static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    /// <summary>bioimage.io ids are lowercase [a-z0-9_-/.].</summary>
    public static string PackageId(PackageSource source) =>
        $"zerocostdl4mic-{source.Network.Key}-{source.ModelId}".ToLowerInvariant().Replace('_', '-');

    /// <summary>Names are 5–128 characters of [A-Za-z0-9 _+-()].</summary>
    public static string PackageName(PackageSource source)
    {
        var name = NameCharacters().Replace($"{source.ModelName} ({source.Network.Info.DisplayName})", " ");
        name = Regex.Replace(name, " +", " ").Trim();
        if (name.Length > 64) name = name[..64].Trim();
        return name.Length >= 5 ? name : $"ZeroCostDL4Mic {source.Network.Key}";
    }

    [GeneratedRegex(@"[^A-Za-z0-9 _+\-()]")]
    private static partial Regex NameCharacters();

    static (string Text, string Doi) NetworkCitation(PackageSource source)
    {
        var citation = source.Network.Info.Citation;
        int at = citation.LastIndexOf("doi:", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? (citation, "") : (citation[..at].Trim().TrimEnd('.'), citation[(at + 4)..].Trim().TrimEnd('.'));
    }

    static List<object> Citations(PackageSource source)
    {
        var cites = new List<object>();
        foreach (var (text, doi) in new[] { NetworkCitation(source), ZeroCostDL4MicCitation })
        {
            var cite = new YamlMap { { "text", text } };
            if (doi.Length > 0) cite.Add("doi", doi);
            else cite.Add("url", "https://github.com/HenriquesLab/ZeroCostDL4Mic");
            cites.Add(cite);
        }
        return cites;
    }

    static List<string> Tags(PackageSource source, ExportProcessing processing) =>
        new[] { "zerocostdl4mic", "deepimagej", "onnx", "2d", source.Network.Key }.Concat(processing.Tags).Distinct().ToList();

    static List<object> Authors(PackageOptions options) =>
        (options.Authors is { Count: > 0 } names ? names : new[] { "ZeroCostDL4Mic.NET user" })
            .Select(n => (object)new YamlMap { { "name", n.Replace("/", " ").Trim() } }).ToList();

    static YamlMap Config(PackageSource source, ExportProcessing processing) => new()
    {
        { "deepimagej", new YamlMap { { "allow_tiling", true }, { "pyramidal_model", false } } },
        { "zerocostdl4mic", new YamlMap
            {
                { "network", source.Network.Key }, { "model_id", source.ModelId }, { "training_data", source.TrainingData },
                { "parameters", ToMap(source.Config.Parameters) }, { "state", ToMap(source.Config.State) }, { "notes", processing.Notes },
            }
        },
    };

    static YamlMap ToMap(IReadOnlyDictionary<string, string> values)
    {
        var map = new YamlMap();
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal)) map.Add(k, v);
        return map;
    }

    static YamlMap Step(ProcessingStep step, bool v04)
    {
        var map = new YamlMap { { v04 ? "name" : "id", v04 ? step.Id04 : step.Id } };
        var kwargs = v04 ? step.Kwargs04 : step.Kwargs;
        if (kwargs.Count > 0)
        {
            var k = new YamlMap();
            foreach (var (key, value) in kwargs) k.Add(key, value);
            map.Add("kwargs", k);
        }
        return map;
    }

    static string Description(PackageSource source, ExportProcessing processing)
    {
        var text = $"{source.Network.Info.DisplayName} trained with ZeroCostDL4Mic.NET: {source.Network.Info.Description} Output: {processing.OutputDescription}.";
        return text.Length <= 1024 ? text : text[..1024];
    }

    static YamlMap Rdf05(PackageSource source, ExportProcessing processing, PackageOptions options, Dictionary<string, byte[]> files, (int Min, int Step, int Halo) sizes, int channels)
    {
        var size = new YamlMap { { "min", sizes.Min }, { "step", sizes.Step } };
        var outputData = new YamlMap { { "type", "float32" } };
        if (processing.OutputRange is { } range) outputData.Add("range", new[] { range.Min, range.Max });
        var input = new YamlMap
        {
            { "id", "input" },
            { "description", "raw image (single channel)" },
            { "axes", new object[]
                {
                    new YamlMap { { "type", "batch" } },
                    new YamlMap { { "type", "channel" }, { "id", "channel" }, { "channel_names", new[] { "raw" } } },
                    new YamlMap { { "type", "space" }, { "id", "y" }, { "size", size } },
                    new YamlMap { { "type", "space" }, { "id", "x" }, { "size", size } },
                }
            },
            { "data", new YamlMap { { "type", "float32" } } },
            { "test_tensor", new YamlMap { { "source", TestInputFile }, { "sha256", Sha256(files[TestInputFile]) } } },
            { "preprocessing", processing.Preprocessing.Select(s => (object)Step(s, false)).ToList() },
        };
        // Output sizes refer to the input with scale 1 and offset 0 (JDLL misreads other values).
        var output = new YamlMap
        {
            { "id", "output" },
            { "description", processing.OutputDescription },
            { "axes", new object[]
                {
                    new YamlMap { { "type", "batch" } },
                    new YamlMap { { "type", "channel" }, { "id", "channel" }, { "channel_names", ChannelNames(processing.OutputChannelName, channels) } },
                    new YamlMap { { "type", "space" }, { "id", "y" }, { "size", new YamlMap { { "tensor_id", "input" }, { "axis_id", "y" } } }, { "halo", sizes.Halo } },
                    new YamlMap { { "type", "space" }, { "id", "x" }, { "size", new YamlMap { { "tensor_id", "input" }, { "axis_id", "x" } } }, { "halo", sizes.Halo } },
                }
            },
            { "data", outputData },
            { "test_tensor", new YamlMap { { "source", TestOutputFile }, { "sha256", Sha256(files[TestOutputFile]) } } },
        };
        if (processing.Postprocessing.Count > 0) output.Add("postprocessing", processing.Postprocessing.Select(s => (object)Step(s, false)).ToList());

        var rdf = Common(source, processing, options, "0.5.7");
        rdf.Add("attachments", source.Figures.Select(f => (object)new YamlMap { { "source", f.FileName }, { "sha256", Sha256(files[f.FileName]) } }).ToList());
        rdf.Add("inputs", new object[] { input });
        rdf.Add("outputs", new object[] { output });
        rdf.Add("weights", new YamlMap
        {
            { "onnx", new YamlMap
                {
                    { "source", WeightsFile }, { "sha256", Sha256(files[WeightsFile]) }, { "opset_version", (int)OnnxExporter.OpsetVersion },
                    { "comment", $"written by ZeroCostDL4Mic.NET from TorchSharp weights; ONNX IR version {OnnxExporter.IrVersion}" },
                }
            },
        });
        rdf.Add("config", Config(source, processing));
        return rdf;
    }

    static YamlMap Rdf04(PackageSource source, ExportProcessing processing, PackageOptions options, Dictionary<string, byte[]> files, (int Min, int Step, int Halo) sizes, int channels)
    {
        var outputRange = processing.OutputRange is { } r ? new[] { r.Min, r.Max } : new[] { double.NegativeInfinity, double.PositiveInfinity };
        var input = new YamlMap
        {
            { "name", "input" },
            { "description", "raw image (single channel)" },
            { "axes", "bcyx" },
            { "data_type", "float32" },
            { "data_range", new[] { double.NegativeInfinity, double.PositiveInfinity } },
            { "shape", new YamlMap { { "min", new[] { 1, 1, sizes.Min, sizes.Min } }, { "step", new[] { 0, 0, sizes.Step, sizes.Step } } } },
            { "preprocessing", processing.Preprocessing.Select(s => (object)Step(s, true)).ToList() },
        };
        var output = new YamlMap
        {
            { "name", "output" },
            { "description", processing.OutputDescription },
            { "axes", "bcyx" },
            { "data_type", "float32" },
            { "data_range", outputRange },
            // 0.4 sizes outputs as reference * scale + 2 * offset: a channel count other than the input's comes from the offset.
            { "shape", new YamlMap
                {
                    { "reference_tensor", "input" }, { "scale", new[] { 1.0, channels == 1 ? 1.0 : 0.0, 1.0, 1.0 } },
                    { "offset", new[] { 0.0, channels == 1 ? 0.0 : channels / 2.0, 0.0, 0.0 } },
                }
            },
            { "halo", new[] { 0, 0, sizes.Halo, sizes.Halo } },
        };
        if (processing.Postprocessing.Count > 0) output.Add("postprocessing", processing.Postprocessing.Select(s => (object)Step(s, true)).ToList());

        var rdf = Common(source, processing, options, "0.4.10");
        if (source.Figures.Count > 0) rdf.Add("attachments", new YamlMap { { "files", source.Figures.Select(f => f.FileName).ToList() } });
        rdf.Add("inputs", new object[] { input });
        rdf.Add("outputs", new object[] { output });
        rdf.Add("test_inputs", new[] { TestInputFile });
        rdf.Add("test_outputs", new[] { TestOutputFile });
        rdf.Add("weights", new YamlMap
        {
            { "onnx", new YamlMap { { "source", WeightsFile }, { "sha256", Sha256(files[WeightsFile]) }, { "opset_version", (int)OnnxExporter.OpsetVersion } } },
        });
        rdf.Add("config", Config(source, processing));
        return rdf;
    }

    static YamlMap Common(PackageSource source, ExportProcessing processing, PackageOptions options, string formatVersion) => new()
    {
        { "type", "model" },
        { "format_version", formatVersion },
        { "id", PackageId(source) },
        { "name", PackageName(source) },
        { "description", Description(source, processing) },
        { "version", "0.1.0" },
        { "timestamp", source.CreatedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss+00:00", System.Globalization.CultureInfo.InvariantCulture) },
        { "authors", Authors(options) },
        { "packaged_by", new object[] { new YamlMap { { "name", "ZeroCostDL4Mic.NET" } } } },
        { "cite", Citations(source) },
        { "license", string.IsNullOrWhiteSpace(options.License) ? PackageOptions.DefaultLicense : options.License.Trim() },
        { "documentation", ReadmeFile },
        { "covers", new[] { CoverFile } },
        { "tags", Tags(source, processing) },
    };
}
