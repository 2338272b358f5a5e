using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on one Vernaux entry of libLibTorchSharp.so's .gnu.version_r section,
// only when the system libstdc++ does not define that version (newer distributions are left alone).
public class MarkGlibcxxRequirementWeak : Task
{
    [Required] public string Directory { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    const ushort VerFlagWeak = 0x2;
    const uint ShtGnuVerneed = 0x6ffffffe;

    public override bool Execute()
    {
        if (!System.IO.Directory.Exists(Directory)) return true;
        if (SystemLibstdcxxHas(VersionName)) return true;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            var state = MarkWeak(bytes, VersionName);
            if (state == "patched")
            {
                var tmp = path + ".tmp";
                File.WriteAllBytes(tmp, bytes);
                File.Replace(tmp, path, null);
                Log.LogMessage(MessageImportance.High, $"Marked {VersionName} weak in {path}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemLibstdcxxHas(string version)
    {
        string[] candidates = { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" };
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var c in candidates)
            if (File.Exists(c) && IndexOf(File.ReadAllBytes(c), needle) >= 0) return true;
        return false;
    }

    static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= hay.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    // Returns "patched", "already" or "absent". ELF64 little-endian only (the x64/arm64 builds).
    static string MarkWeak(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[4] != 2 || elf[5] != 1) return "absent";
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int s = 0; s < shnum; s++)
        {
            long sh = shoff + (long)s * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, (int)sh + 0x28);
            long strOffset = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            long need = offset;
            while (true)
            {
                int count = BitConverter.ToUInt16(elf, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                for (int a = 0; a < count; a++)
                {
                    uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                    if (ReadString(elf, strOffset + name) == version)
                    {
                        ushort flags = BitConverter.ToUInt16(elf, (int)aux + 4);
                        if ((flags & VerFlagWeak) != 0) return "already";
                        BitConverter.GetBytes((ushort)(flags | VerFlagWeak)).CopyTo(elf, (int)aux + 4);
                        return "patched";
                    }
                    uint nextAux = BitConverter.ToUInt32(elf, (int)aux + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = BitConverter.ToUInt32(elf, (int)need + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return "absent";
    }

    static string ReadString(byte[] elf, long at)
    {
        int end = (int)at;
        while (end < elf.Length && elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)at, end - (int)at);
    }
}
