using ZeroCostDL4Mic.Protos.V1;

namespace ZeroCostDL4Mic.Server.Mapping;

/// <summary>The engine's per-frame object lists as DetectedObjects messages.</summary>
public static class DetectedObjectsMapping
{
    /// <summary>Objects per message: 32-ray polygons keep one message near 1 MB, well under the message size limit.</summary>
    public const int ObjectsPerMessage = 4000;

    public static IEnumerable<DetectedObjects> ToProto(string inputName, IReadOnlyList<IReadOnlyList<Imaging.Instances.DetectedObject>> frames)
    {
        for (int frame = 0; frame < frames.Count; frame++)
        {
            var objects = frames[frame];
            int start = 0;
            do
            {
                var message = new DetectedObjects { InputName = inputName, Frame = frame, FrameCount = frames.Count, FrameObjectCount = objects.Count };
                foreach (var o in objects.Skip(start).Take(ObjectsPerMessage))
                {
                    var proto = new DetectedObject
                    {
                        Label = o.Label, CentroidY = o.CentroidY, CentroidX = o.CentroidX, Area = o.Area, Probability = o.Probability,
                    };
                    proto.PolygonY.AddRange(o.PolygonRows.Select(v => (float)v));
                    proto.PolygonX.AddRange(o.PolygonCols.Select(v => (float)v));
                    message.Objects.Add(proto);
                }
                yield return message;
                start += ObjectsPerMessage;
            } while (start < objects.Count);
        }
    }
}
