using System.Globalization;
using System.Text;

namespace ZeroCostDL4Mic.Engine.Export.BioImageIo;

/// <summary>README.md of a package: what the model does, how to run it in DeepImageJ, its training and a "# Validation" section with the QC figures.</summary>
public static class ModelReadme
{
    public static string Write(PackageSource source, ExportProcessing processing, PackageOptions options, (int Min, int Step, int Halo) sizes)
    {
        var info = source.Network.Info;
        var md = new StringBuilder();
        md.Append("# ").Append(BioImageIoPackage.PackageName(source)).Append("\n\n");
        md.Append(info.DisplayName).Append(" (`").Append(info.Key).Append("`) trained with ZeroCostDL4Mic.NET, a rebuild of ZeroCostDL4Mic ")
          .Append("as a gRPC server (TorchSharp), exported to ONNX (IR version 8, opset 17) for DeepImageJ and bioimage.io.\n\n");
        md.Append(info.Description).Append("\n\n");

        md.Append("## Input and output\n\n");
        md.Append("- Input `input`: one single-channel 2D image, axes `bcyx`, float32; height and width ")
          .Append(F(sizes.Min)).Append(" + n x ").Append(F(sizes.Step)).Append(" pixels (DeepImageJ tiles larger images; halo ").Append(F(sizes.Halo)).Append(" pixels).\n");
        md.Append("- Output `output`: ").Append(processing.OutputDescription).Append(", same size as the input.\n");
        md.Append("- Pre-processing: ").Append(string.Join(", ", processing.Preprocessing.Select(Describe))).Append(".\n");
        md.Append("- Post-processing: ").Append(processing.Postprocessing.Count == 0 ? "none" : string.Join(", ", processing.Postprocessing.Select(Describe))).Append(".\n\n");
        md.Append(processing.Notes).Append("\n\n");

        md.Append("## Use in DeepImageJ\n\n");
        md.Append("Install the zip with DeepImageJ's *Install model* (from a local file), open an image and run the model from the ")
          .Append("DeepImageJ Run dialog, or from a macro:\n\n```\n")
          .Append("run(\"DeepImageJ Run\", \"model_path=[<Fiji>/models/<this model's folder>] input_path=[<image.tif>] output_folder=[<folder>] display_output=null\");\n```\n\n");

        md.Append("## Training\n\n");
        md.Append("- Model: `").Append(source.ModelId).Append("`, created ").Append(source.CreatedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append(".\n");
        md.Append("- Training data: ").Append(source.TrainingData).Append(".\n");
        if (source.History.Count > 0)
        {
            var last = source.History[^1];
            var best = source.History.MinBy(h => h.ValLoss)!;
            md.Append("- Epochs: ").Append(F(source.History.Count)).Append("; final loss ").Append(G(last.Loss)).Append(", val_loss ").Append(G(last.ValLoss))
              .Append("; best val_loss ").Append(G(best.ValLoss)).Append(" at epoch ").Append(F(best.Epoch)).Append(".\n");
        }
        md.Append("\n| parameter | value |\n|---|---|\n");
        foreach (var (name, value) in source.Config.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            md.Append("| ").Append(name).Append(" | ").Append(value).Append(" |\n");
        md.Append('\n');

        md.Append("# Validation\n\n");
        if (source.Qc is { } qc)
        {
            md.Append("Quality control on held-out images, as ZeroCostDL4Mic's section 5 (").Append(qc.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(").\n\n");
            var names = qc.Summary.Select(m => m.Name).ToList();
            md.Append("| image | ").Append(string.Join(" | ", names)).Append(" |\n|---|").Append(string.Concat(names.Select(_ => "---|"))).Append('\n');
            foreach (var image in qc.Images)
                md.Append("| ").Append(image.Image).Append(" | ").Append(string.Join(" | ", names.Select(n => G(image.Metrics.FirstOrDefault(m => m.Name == n)?.Value ?? double.NaN)))).Append(" |\n");
            md.Append("| **mean** | ").Append(string.Join(" | ", qc.Summary.Select(m => G(m.Value)))).Append(" |\n\n");
        }
        else
        {
            md.Append("No quality control was run on this model before export (`dl4mic qc` adds it).\n\n");
        }
        foreach (var figure in source.Figures)
            md.Append("![").Append(figure.Caption).Append("](").Append(figure.FileName).Append(")\n\n");
        md.Append("`test_input.npy` and `test_output.npy` hold a crop of a training image and this model's output for it ")
          .Append("(computed by the server with the pre- and post-processing above); `cover.png` shows both side by side.\n\n");

        md.Append("## References\n\n");
        md.Append("- ").Append(source.Network.Info.Citation).Append('\n');
        md.Append("- ").Append(BioImageIoPackage.ZeroCostDL4MicCitation.Text).Append(". doi:").Append(BioImageIoPackage.ZeroCostDL4MicCitation.Doi).Append('\n');
        md.Append("\nLicence: ").Append(string.IsNullOrWhiteSpace(options.License) ? PackageOptions.DefaultLicense : options.License).Append(".\n");
        return md.ToString();
    }

    static string Describe(ProcessingStep step) =>
        step.Kwargs.Count == 0 ? $"`{step.Id}`"
        : $"`{step.Id}` ({string.Join(", ", step.Kwargs.Where(k => k.Key != "axes").Select(k => $"{k.Key} {(k.Value is double d ? G(d) : k.Value)}"))})";

    static string F(int v) => v.ToString(CultureInfo.InvariantCulture);

    static string G(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
