using Spectre.Console;
using ProtoFileInfo = ZeroCostDL4Mic.Protos.V1.FileInfo;

namespace ZeroCostDL4Mic.Cli.Rendering;

/// <summary>Stored files (model folder, job outputs) as a table.</summary>
public static class FileTable
{
    public static Table Build(IEnumerable<ProtoFileInfo> files)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("file").AddColumn(new TableColumn("size").RightAligned()).AddColumn("sha256");
        foreach (var f in files)
            table.AddRow(Markup.Escape(f.Name), Names.Bytes(f.SizeBytes), Markup.Escape(f.Sha256.Length > 12 ? f.Sha256[..12] + "…" : f.Sha256));
        return table;
    }
}
