using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace ZeroCostDL4Mic.Engine.Export.Onnx;

/// <summary>
/// Builds one ONNX graph (opset 17) node by node: modules call the op helpers, layers go through
/// <see cref="Layer"/> so each node and weight is named after its place in the module tree
/// (e.g. <c>encoder.1/conv</c>), and an unmapped layer is reported with that path.
/// </summary>
public sealed class OnnxGraphBuilder
{
    readonly GraphProto graph;
    readonly List<string> path = new();
    readonly HashSet<string> names = new(StringComparer.Ordinal);

    internal OnnxGraphBuilder(GraphProto graph) => this.graph = graph;

    /// <summary>Where in the module tree the export is ("" at the top), e.g. <c>RestorationUNet/encoder.1/conv</c>.</summary>
    public string CurrentPath => string.Join("/", path);

    /// <summary>Exports a child layer or module found at <paramref name="name"/> (its field name, or "list.index").</summary>
    public string Layer(nn.Module module, string name, string input)
    {
        path.Add(name);
        try { return Module(module, input); }
        finally { path.RemoveAt(path.Count - 1); }
    }

    /// <summary>Runs <paramref name="export"/> with nodes named under <paramref name="name"/> (e.g. a network's inference head).</summary>
    public string Scope(string name, Func<string> export)
    {
        path.Add(name);
        try { return export(); }
        finally { path.RemoveAt(path.Count - 1); }
    }

    internal string Module(nn.Module module, string input)
    {
        if (module is IOnnxExportable composite) return composite.ExportOnnx(this, input);
        // A Sequential is its children in order, each named by its key as in the checkpoint.
        if (module is TorchSharp.Modules.Sequential sequential)
            return sequential.named_children().Aggregate(input, (x, child) => Layer(child.module, child.name, x));
        if (OnnxLayerMappers.TryGet(module.GetType(), out var mapper)) return mapper(this, module, input);
        throw new UnmappedLayerException(module.GetType().Name, path.Count == 0 ? module.GetName() : CurrentPath);
    }

    // ---- operators (opset 17 versions: Conv-11, BatchNormalization-15, Relu-14, MaxPool-12, Resize-13, Concat-13,
    //      Add-14, Softplus-1, Sigmoid-13, Slice-13, LeakyRelu-16, ConvTranspose-11, Elu-6, Tanh-13, Softmax-13) ----

    /// <param name="pads">[top, left, bottom, right]: asymmetric pads express Keras' 'same' for even kernels.</param>
    public string Conv(string x, Tensor weight, Tensor? bias, long[] pads, long[] strides, long[] dilations, long group)
    {
        var inputs = new List<string> { x, Initializer("weight", weight) };
        if (bias is not null) inputs.Add(Initializer("bias", bias));
        var shape = weight.shape;
        return Node("Conv", inputs,
            Ints("kernel_shape", shape[2], shape[3]), Ints("pads", pads), Ints("strides", strides), Ints("dilations", dilations), Int("group", group));
    }

    /// <param name="pads">[top, left, bottom, right], as torch's padding (removed from the full transposed output).</param>
    public string ConvTranspose(string x, Tensor weight, Tensor? bias, long[] pads, long[] strides, long[] outputPadding, long[] dilations, long group)
    {
        var inputs = new List<string> { x, Initializer("weight", weight) };
        if (bias is not null) inputs.Add(Initializer("bias", bias));
        var shape = weight.shape;
        return Node("ConvTranspose", inputs, Ints("kernel_shape", shape[2], shape[3]), Ints("pads", pads), Ints("strides", strides),
            Ints("output_padding", outputPadding), Ints("dilations", dilations), Int("group", group));
    }

    public string BatchNormalization(string x, Tensor scale, Tensor bias, Tensor mean, Tensor variance, double epsilon) =>
        Node("BatchNormalization", new[] { x, Initializer("scale", scale), Initializer("bias", bias), Initializer("running_mean", mean), Initializer("running_var", variance) },
            Float("epsilon", epsilon));

    public string Relu(string x) => Node("Relu", new[] { x });

    public string LeakyRelu(string x, double alpha) => Node("LeakyRelu", new[] { x }, Float("alpha", alpha));

    public string Sigmoid(string x) => Node("Sigmoid", new[] { x });

    public string Elu(string x, double alpha) => Node("Elu", new[] { x }, Float("alpha", alpha));

    public string Tanh(string x) => Node("Tanh", new[] { x });

    /// <summary>Softmax-13 normalises along one axis, as torch's (not the flattened trailing axes of opset 11).</summary>
    public string Softmax(string x, long axis) => Node("Softmax", new[] { x }, Int("axis", axis));

    /// <summary>ln(1 + e^x), as torch's softplus (beta 1).</summary>
    public string Softplus(string x) => Node("Softplus", new[] { x });

    public string MaxPool(string x, long[] kernel, long[] strides) =>
        Node("MaxPool", new[] { x }, Ints("kernel_shape", kernel), Ints("strides", strides), Ints("pads", 0, 0, 0, 0), Int("ceil_mode", 0));

    /// <summary>torch's interpolate(mode: nearest) by an integer factor: floor(dst / scale), i.e. asymmetric + floor.</summary>
    public string UpsampleNearest(string x, float scaleY, float scaleX) =>
        Node("Resize", new[] { x, "", Constant("scales", new[] { 1f, 1f, scaleY, scaleX }) },
            Text("mode", "nearest"), Text("coordinate_transformation_mode", "asymmetric"), Text("nearest_mode", "floor"));

    public string Concat(int axis, params string[] inputs) => Node("Concat", inputs, Int("axis", axis));

    public string Add(string a, string b) => Node("Add", new[] { a, b });

    public string AddScalar(string x, float value) => Add(x, Constant("value", new[] { value }, Array.Empty<long>()));

    /// <summary>Channels [start, end) of an NCHW value.</summary>
    public string SliceChannels(string x, long start, long end) =>
        Node("Slice", new[] { x, Constant64("starts", start), Constant64("ends", end), Constant64("axes", 1) });

    // ---- graph plumbing ----

    string Node(string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var name = Unique($"{CurrentPathOr("graph")}/{op}");
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name + ":0");
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return node.Output[0];
    }

    /// <summary>A float32 weight copied from a TorchSharp tensor (raw little-endian data).</summary>
    public string Initializer(string name, Tensor value)
    {
        float[] data;
        using (NewDisposeScope()) data = value.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        return AddInitializer(name, value.shape, data);
    }

    public string Constant(string name, float[] values, long[]? dims = null) => AddInitializer(name, dims ?? new long[] { values.Length }, values);

    string Constant64(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = Unique($"{CurrentPathOr("graph")}/{name}"), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    string AddInitializer(string name, long[] dims, float[] data)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian");
        var tensor = new TensorProto { Name = Unique($"{CurrentPathOr("graph")}/{name}"), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Gives the value produced last the graph output's name.</summary>
    internal void RenameValue(string from, string to)
    {
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
            for (int i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
        }
    }

    internal bool IsNodeOutput(string value) => graph.Node.Any(n => n.Output.Contains(value));

    internal void Identity(string from, string to) =>
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = Unique("graph/Identity"), Input = { from }, Output = { to } });

    string CurrentPathOr(string fallback) => path.Count == 0 ? fallback : CurrentPath;

    string Unique(string name)
    {
        var candidate = name;
        for (int i = 1; !names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };
}
