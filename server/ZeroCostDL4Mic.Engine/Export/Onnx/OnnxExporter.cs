using Google.Protobuf;
using Onnx;
using ZeroCostDL4Mic.Engine.Networks;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.Onnx;

/// <summary>
/// Writes a trained network, its inference head included, as one self-contained ONNX file that DeepImageJ's
/// default engine (ONNX Runtime 1.12) loads: IR version 8, opset 17, float32 input "input" [batch, C, y, x]
/// and output "output", symbolic batch/y/x, weights as raw initializers.
/// </summary>
public static class OnnxExporter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;
    public const string InputName = "input";
    public const string OutputName = "output";

    /// <param name="outputUpsample">
    /// Nearest up-sampling appended after the inference head, for networks that predict on a coarser grid: a
    /// bioimage.io output must be sized like its input (DeepImageJ misreads scaled output axes).
    /// </param>
    public static byte[] Export(NetworkDefinition network, nn.Module<Tensor, Tensor> module, int divisor, int inputChannels = 1, int outputUpsample = 1) =>
        Build(network, module, divisor, inputChannels, outputUpsample).ToByteArray();

    public static ModelProto Build(NetworkDefinition network, nn.Module<Tensor, Tensor> module, int divisor, int inputChannels = 1, int outputUpsample = 1)
    {
        module.eval();
        long outputChannels = OutputChannels(network, module, divisor, inputChannels);
        var graph = new GraphProto { Name = network.Key };
        var builder = new OnnxGraphBuilder(graph);
        var raw = builder.Layer(module, module.GetName(), InputName);
        var output = builder.Scope("inference_head", () => network.ExportInferenceHead(builder, raw));
        if (outputUpsample > 1) output = builder.Scope("to_input_size", () => builder.UpsampleNearest(output, outputUpsample, outputUpsample));
        if (builder.IsNodeOutput(output)) builder.RenameValue(output, OutputName);
        else builder.Identity(output, OutputName);
        graph.Input.Add(Value(InputName, inputChannels));
        graph.Output.Add(Value(OutputName, outputChannels));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "ZeroCostDL4Mic.NET",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
            DocString = $"{network.Info.DisplayName} ({network.Key}) exported from TorchSharp by ZeroCostDL4Mic.NET",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    /// <summary>The head's channel count, from one forward pass at the smallest valid size.</summary>
    static long OutputChannels(NetworkDefinition network, nn.Module<Tensor, Tensor> module, int divisor, int inputChannels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = module.parameters().FirstOrDefault()?.device ?? CPU;
        var probe = zeros(new long[] { 1, inputChannels, divisor, divisor }, device: device);
        return network.InferenceHead(module.forward(probe)).shape[1];
    }

    static ValueInfoProto Value(string name, long channels)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = channels });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "y" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "x" });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
