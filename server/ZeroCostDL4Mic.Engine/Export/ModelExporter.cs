using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Datasets;
using ZeroCostDL4Mic.Engine.Errors;
using ZeroCostDL4Mic.Engine.Export.BioImageIo;
using ZeroCostDL4Mic.Engine.Export.Onnx;
using ZeroCostDL4Mic.Engine.Models;
using ZeroCostDL4Mic.Engine.Networks;
using ZeroCostDL4Mic.Engine.Networks.Common;
using ZeroCostDL4Mic.Engine.Quality;
using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Engine.Export;

/// <summary>
/// Exports a trained model on the CPU: the ONNX graph, or a bioimage.io package tested on the first image of
/// its training dataset, with its training history, QC figures and plots. Imported models give back their package.
/// </summary>
public sealed class ModelExporter(NetworkRegistry networks, ModelCatalog models, DatasetCatalog datasets) : IModelExporter
{
    public ExportedModel Export(ModelExportRequest request)
    {
        if (request.BioImageIoFormatVersion is not ("" or "0.5" or "0.4"))
            throw new InvalidInputException("bioimageio_format_version", $"'{request.BioImageIoFormatVersion}' is not supported; use 0.5 (default) or 0.4");
        var (record, config, weightsPath) = models.Usable(request.ModelId, request.Weights);
        var folder = models.Folder(record.Id);
        if (ImportedNetwork.IsImported(config))
            return request.Format == ExportFormat.Onnx
                ? new ExportedModel($"{record.Id}.onnx", ReadAll(folder, ImportedNetwork.WeightsFile))
                : new ExportedModel($"{record.Id}.bioimageio.zip", ReadAll(folder, ImportedNetwork.PackageFile));

        var network = networks.Definition(config.Network);
        var parameters = ParameterSet.FromStored(network.Info.Parameters, config.Parameters);
        using var module = network.Build(parameters);
        module.load(weightsPath);
        module.eval();
        if (request.Format == ExportFormat.Onnx)
            return new ExportedModel($"{record.Id}.onnx", OnnxExporter.Export(network, module, network.Divisor(parameters)));

        var view = models.Get(record.Id);
        var (trainingData, testImage) = TrainingData(record.Id, record.DatasetId);
        var figures = new List<PackageFigure>();
        foreach (var (file, caption) in new[] { (ModelFolder.LossPlotFile, "Training and validation loss"), (QualityControl.IouPlotFile, "QC: IoU against the threshold") })
            if (folder.Exists(file)) figures.Add(new PackageFigure(file, caption, ReadAll(folder, file)));
        var source = new PackageSource(network, parameters, config, module, record.Id, record.Name, record.CreatedAt,
            trainingData, view.History, view.Qc, figures, testImage);
        using var zip = new MemoryStream();
        BioImageIoPackage.Write(zip, source, new PackageOptions(
            string.IsNullOrEmpty(request.BioImageIoFormatVersion) ? "0.5" : request.BioImageIoFormatVersion, request.Binarize, request.Authors, request.License));
        return new ExportedModel($"{record.Id}.bioimageio.zip", zip.ToArray());
    }

    /// <summary>The package's test image is the first source image of the training dataset.</summary>
    (string Description, ImageData TestImage) TrainingData(string modelId, string datasetId)
    {
        try
        {
            var dataset = datasets.Get(datasetId);
            var first = datasets.LoadSamples(datasetId, needTargets: false).FirstOrDefault()
                ?? throw new PreconditionFailedException($"dataset '{datasetId}' of model '{modelId}' has no images to test the package on");
            return ($"dataset '{dataset.Name}' ({dataset.Id}, {DatasetCatalog.KindText(dataset.Kind)}, {dataset.SampleCount} samples)", first.Source);
        }
        catch (NotFoundException)
        {
            throw new PreconditionFailedException(
                $"model '{modelId}' was trained on dataset '{datasetId}', which no longer exists; a bioimage.io package needs one of its images as test input");
        }
    }

    static byte[] ReadAll(ModelFolder folder, string file)
    {
        using var stream = folder.OpenRead(file);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
