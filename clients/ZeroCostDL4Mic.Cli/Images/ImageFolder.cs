using ZeroCostDL4Mic.Imaging;

namespace ZeroCostDL4Mic.Cli.Images;

/// <summary>The image files of a folder that the client reads (TIFF, PNG, JPEG), in name order.</summary>
public static class ImageFolder
{
    /// <summary>What ImageFiles.Read accepts, for messages.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".tif", ".tiff", ".png", ".jpg", ".jpeg"];

    /// <summary>A file ImageFiles.Read can open; hidden files (macOS "._x.tif" and the like) are skipped.</summary>
    public static bool IsImageFile(string path) => !Path.GetFileName(path).StartsWith('.') && ImageFiles.IsImageFile(path);

    /// <summary>Image files directly in <paramref name="folder"/>; fails with exit code 4 if the folder is missing.</summary>
    public static IReadOnlyList<string> List(string folder)
    {
        if (!Directory.Exists(folder))
            throw CliFailure.InvalidInput($"folder not found: {folder}");
        return Directory.EnumerateFiles(folder)
            .Where(IsImageFile)
            .OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A single image file, or the image files of a folder; at least one.</summary>
    public static IReadOnlyList<string> FileOrFolder(string path)
    {
        if (File.Exists(path))
        {
            if (!IsImageFile(path))
                throw CliFailure.InvalidInput($"{path} is not an image file ({string.Join(", ", Extensions)})");
            return [path];
        }
        if (!Directory.Exists(path))
            throw CliFailure.InvalidInput($"no such file or folder: {path}");
        var files = List(path);
        if (files.Count == 0)
            throw CliFailure.InvalidInput($"no image files ({string.Join(", ", Extensions)}) in {path}");
        return files;
    }
}
