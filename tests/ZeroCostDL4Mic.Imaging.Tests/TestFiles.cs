namespace ZeroCostDL4Mic.Imaging.Tests;

/// <summary>Shipped test images, copied next to the test assembly.</summary>
internal static class TestFiles
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", name);

    public static byte[] Bytes(string name) => File.ReadAllBytes(Path(name));
}
