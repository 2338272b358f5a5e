using System.Runtime.InteropServices;
using System.Text;

namespace ZeroCostDL4Mic.Storage;

/// <summary>fsync on a directory, so a rename inside it survives a power cut (POSIX only; .NET has no API for it).</summary>
internal static class DirectorySync
{
    /// <summary>Best effort: returns false where the platform or file system does not allow it.</summary>
    public static bool Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            var fd = open(Encoding.UTF8.GetBytes(directory + "\0"), 0 /* O_RDONLY */);
            if (fd < 0) return false;
            try
            {
                return fsync(fd) == 0;
            }
            finally
            {
                _ = close(fd);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}
