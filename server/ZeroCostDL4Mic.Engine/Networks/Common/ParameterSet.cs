using System.Globalization;
using ZeroCostDL4Mic.Engine.Api;
using ZeroCostDL4Mic.Engine.Errors;

namespace ZeroCostDL4Mic.Engine.Networks.Common;

/// <summary>Hyperparameters resolved against a network's schema: every parameter present, typed and in range.</summary>
public sealed class ParameterSet
{
    readonly Dictionary<string, string> values;

    ParameterSet(Dictionary<string, string> values) => this.values = values;

    public IReadOnlyDictionary<string, string> Values => values;

    /// <summary>
    /// Fills defaults and validates user values; every bad field is named (unknown name, wrong type,
    /// out of range, not a choice) in one InvalidInputException.
    /// </summary>
    public static ParameterSet Resolve(IReadOnlyList<ParameterSpec> schema, IReadOnlyDictionary<string, string> given)
    {
        var violations = new List<FieldViolation>();
        var specs = schema.ToDictionary(s => s.Name, StringComparer.Ordinal);
        var result = schema.ToDictionary(s => s.Name, s => s.Default, StringComparer.Ordinal);
        foreach (var (name, raw) in given)
        {
            if (!specs.TryGetValue(name, out var spec))
            {
                violations.Add(new FieldViolation(name, $"unknown parameter; known: {string.Join(", ", specs.Keys)}"));
                continue;
            }
            var problem = Check(spec, raw.Trim(), out var canonical);
            if (problem is null) result[name] = canonical;
            else violations.Add(new FieldViolation(name, problem));
        }
        if (violations.Count > 0)
            throw new InvalidInputException(
                "invalid parameters: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}")), violations);
        return new ParameterSet(result);
    }

    /// <summary>Loads a stored set (already validated when stored); unknown or missing names take current defaults.</summary>
    public static ParameterSet FromStored(IReadOnlyList<ParameterSpec> schema, IReadOnlyDictionary<string, string> stored)
    {
        var result = schema.ToDictionary(s => s.Name, s => stored.TryGetValue(s.Name, out var v) ? v : s.Default, StringComparer.Ordinal);
        return new ParameterSet(result);
    }

    public ParameterSet With(string name, string value)
    {
        var copy = new Dictionary<string, string>(values, StringComparer.Ordinal) { [name] = value };
        return new ParameterSet(copy);
    }

    static string? Check(ParameterSpec spec, string raw, out string canonical)
    {
        canonical = raw;
        switch (spec.Kind)
        {
            case ParameterKind.Int:
                if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
                    return $"'{raw}' is not an integer";
                if (i < spec.Min || i > spec.Max) return $"{i} is out of range [{Fmt(spec.Min)}, {Fmt(spec.Max)}]";
                canonical = i.ToString(CultureInfo.InvariantCulture);
                return null;
            case ParameterKind.Float:
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                    return $"'{raw}' is not a number";
                if (d < spec.Min || d > spec.Max) return $"{Fmt(d)} is out of range [{Fmt(spec.Min)}, {Fmt(spec.Max)}]";
                canonical = d.ToString("R", CultureInfo.InvariantCulture);
                return null;
            case ParameterKind.Bool:
                if (raw is "true" or "True" or "1" or "yes") { canonical = "true"; return null; }
                if (raw is "false" or "False" or "0" or "no") { canonical = "false"; return null; }
                return $"'{raw}' is not true or false";
            case ParameterKind.Choice:
                var choices = spec.Choices ?? Array.Empty<string>();
                if (!choices.Contains(raw, StringComparer.Ordinal)) return $"'{raw}' is not one of {string.Join(", ", choices)}";
                return null;
            default:
                return "unsupported parameter kind";
        }
    }

    static string Fmt(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    public int Int(string name) => int.Parse(values[name], CultureInfo.InvariantCulture);
    public double Float(string name) => double.Parse(values[name], CultureInfo.InvariantCulture);
    public bool Bool(string name) => values[name] == "true";
    public string Text(string name) => values[name];
}

/// <summary>Parameter schema entries every network shares, so names and defaults stay uniform.</summary>
public static class CommonParameters
{
    public static ParameterSpec Epochs(int def) => new("epochs", ParameterKind.Int, S(def), "Number of passes over the training data.", 1, 100000);
    public static ParameterSpec StepsPerEpoch() => new("steps_per_epoch", ParameterKind.Int, "0", "Batches per epoch; 0 = as the original derives it from the number of patches.", 0, 1000000);
    public static ParameterSpec BatchSize(int def) => new("batch_size", ParameterKind.Int, S(def), "Patches per training step.", 1, 4096);
    public static ParameterSpec PatchSize(int def, string note) => new("patch_size", ParameterKind.Int, S(def), $"Edge of the square training patches in pixels ({note}).", 0, 2048);
    public static ParameterSpec LearningRate(double def) => new("learning_rate", ParameterKind.Float, def.ToString("R", CultureInfo.InvariantCulture), "Initial Adam learning rate.", 1e-7, 1.0);
    public static ParameterSpec ValidationFraction() => new("validation_fraction", ParameterKind.Float, "0.1", "Share of patches held out for validation.", 0.01, 0.5, Group: "advanced");
    public static ParameterSpec Depth(int def, string note = "U-Net depth: number of poolings") => new("unet_depth", ParameterKind.Int, S(def), note, 1, 5, Group: "advanced");
    public static ParameterSpec BaseFilters(int def) => new("unet_base_filters", ParameterKind.Int, S(def), "Filters of the first U-Net level; doubled at each level.", 2, 512, Group: "advanced");
    public static ParameterSpec KernelSize(int def) => new("unet_kern_size", ParameterKind.Int, S(def), "Convolution kernel size (odd).", 1, 9, Group: "advanced");
    public static ParameterSpec ReduceLrFactor(double def) => new("reduce_lr_factor", ParameterKind.Float, def.ToString("R", CultureInfo.InvariantCulture), "ReduceLROnPlateau: factor applied to the learning rate.", 0.01, 0.99, Group: "advanced");
    public static ParameterSpec ReduceLrPatience(int def) => new("reduce_lr_patience", ParameterKind.Int, S(def), "ReduceLROnPlateau: epochs without val_loss improvement before the rate drops.", 1, 1000, Group: "advanced");
    public static ParameterSpec Augment() => new("augment", ParameterKind.Bool, "true", "On-the-fly augmentation (the 8 flips/rotations).", Group: "augmentation");
    public static ParameterSpec Seed() => new("seed", ParameterKind.Int, "42", "Random seed for the initial weights, patch sampling, splits and augmentation.", 0, int.MaxValue, Group: "advanced");

    static string S(int v) => v.ToString(CultureInfo.InvariantCulture);
}
