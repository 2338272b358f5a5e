using System.Globalization;
using System.Text;

namespace ZeroCostDL4Mic.Imaging.Instances;

/// <summary>The per-object table of an instance prediction as CSV (one row per object, frames of a stack from 0).</summary>
public static class ObjectTable
{
    public const string Header = "frame,label,centroid_y,centroid_x,area,probability";

    public static string Csv(IReadOnlyList<IReadOnlyList<DetectedObject>> frames)
    {
        var csv = new StringBuilder(Header).Append('\n');
        for (int frame = 0; frame < frames.Count; frame++)
            foreach (var o in frames[frame])
                csv.Append(CultureInfo.InvariantCulture, $"{frame},{o.Label},{o.CentroidY:0.###},{o.CentroidX:0.###},{o.Area},{o.Probability:0.####}\n");
        return csv.ToString();
    }
}
