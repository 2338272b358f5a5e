using System.Text.Json;

namespace ZeroCostDL4Mic.Imaging.Tests.Instances;

/// <summary>The numbers of TestData/stardist/stardist-reference.json, computed with the original stardist code.</summary>
internal static class StarDistReference
{
    static readonly Lazy<JsonElement> Root = new(() => JsonDocument.Parse(File.ReadAllText(TestFiles.Path("stardist/stardist-reference.json"))).RootElement);

    public static JsonElement Case(string name) => Root.Value.GetProperty(name);

    public static int[] Ints(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => v.GetInt32()).ToArray();
    public static float[] Floats(this JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
    public static int Int(this JsonElement e, string name) => e.GetProperty(name).GetInt32();
}
