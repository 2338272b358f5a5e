using Microsoft.ML.OnnxRuntime;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Inference;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Storage;

namespace ZeroCostDL4Mic.Engine.Export;

/// <summary>
/// Registers a bioimage.io ONNX package as a prediction-only model: the package is checked (PackageReader), its
/// weights must load in ONNX Runtime and reproduce its test output, then the zip, weights.onnx, rdf.yaml and
/// config.json are kept in the model's folder.
/// </summary>
public sealed class ModelImporter(DataStore store, ModelCatalog models) : IModelImporter
{
    public ModelView Import(string fileName, byte[] package, Caller caller)
    {
        if (package.Length == 0) throw new InvalidInputException("package", "is empty");
        var (description, files) = PackageReader.Read(package);
        if (description.Step == 0)
            throw new InvalidInputException("rdf.yaml inputs[0].axes", "the model takes one fixed input size; only sizes {min, step} (any image size) are supported");
        var weights = files[description.WeightsSource];
        CheckWeights(description, files, weights);

        var name = string.IsNullOrWhiteSpace(description.Name) ? Path.GetFileNameWithoutExtension(fileName) : description.Name;
        var state = new Dictionary<string, string>
        {
            ["bioimageio_id"] = description.Id, ["bioimageio_format_version"] = description.FormatVersion, ["package_file"] = fileName,
        };
        if (description.SourceNetwork is { } network) state["source_network"] = network;
        var config = new ModelConfig(ModelConfig.CurrentVersion, ImportedNetwork.NetworkKey, new Dictionary<string, string>(), state);
        var record = store.CreateModel(new ModelRecord("", name, ImportedNetwork.NetworkKey, config.ToJson(), "", null, null, default, false, "", "", caller.Name));
        try
        {
            var folder = models.Folder(record.Id);
            folder.WriteWith(ImportedNetwork.PackageFile, path => File.WriteAllBytes(path, package));
            folder.WriteWith(ImportedNetwork.WeightsFile, path => File.WriteAllBytes(path, weights));
            folder.WriteWith(ImportedNetwork.RdfFile, path => File.WriteAllBytes(path, files[BioImageIoPackage.RdfFile]));
            // The ONNX weights stand in for the trained weights, so the model is "usable" like a trained one.
            folder.WriteWith(ModelFolder.BestWeights, path => File.WriteAllBytes(path, weights));
            folder.WriteText(ModelFolder.ConfigFile, config.ToJson());
            store.UpdateModel(record with { Ready = true });
        }
        catch
        {
            store.DeleteModel(record.Id);
            throw;
        }
        return models.Get(record.Id);
    }

    /// <summary>bioimage.io's reproduce check: test input → pre-processing → ONNX Runtime → post-processing ≈ test output (1e-3).</summary>
    static void CheckWeights(PackageDescription description, IReadOnlyDictionary<string, byte[]> files, byte[] weights)
    {
        OnnxTileForward session;
        try { session = new OnnxTileForward(weights, threads: 1); }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidInputException(description.WeightsSource, $"ONNX Runtime cannot load it: {e.Message}");
        }
        using var _ = session;
        if (description.TestInput is null || description.TestOutput is null) return;
        var (input, inShape) = NpyFile.Read(files[description.TestInput], description.TestInput);
        var (expected, outShape) = NpyFile.Read(files[description.TestOutput], description.TestOutput);
        if (inShape.Length != 4 || inShape[0] != 1 || inShape[1] != 1)
            throw new InvalidInputException(description.TestInput, $"shape ({string.Join(", ", inShape)}) is not (1, 1, y, x)");
        foreach (var step in description.Preprocessing) step.Apply(input, inShape);
        float[] actual;
        int channels;
        try { (actual, channels) = session.Run(input, (int)inShape[2], (int)inShape[3]); }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidInputException(description.WeightsSource, $"ONNX Runtime cannot run it on {description.TestInput}: {e.Message}");
        }
        foreach (var step in description.Postprocessing) step.Apply(actual, new long[] { 1, channels, inShape[2], inShape[3] });
        if (actual.Length != expected.Length)
            throw new InvalidInputException(description.TestOutput, $"holds {expected.Length} values; the model outputs {actual.Length}");
        int mismatched = 0;
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(actual[i] - expected[i]) <= 1e-3 + 1e-3 * Math.Abs(expected[i]))) mismatched++;
        // bioimage.io 0.5 tolerates 100 mismatched elements per million.
        if (mismatched > expected.Length / 10000)
            throw new InvalidInputException(description.TestOutput, $"the weights do not reproduce it: {mismatched} of {expected.Length} values differ by more than 1e-3");
    }
}
