using ZeroCostDL4Mic.Imaging.Instances;
using ZeroCostDL4Mic.Server.Mapping;

namespace ZeroCostDL4Mic.Server.Tests;

/// <summary>StarDist objects on the wire: one message per frame (split when very many), counts per frame, polygons.</summary>
public class DetectedObjectsMappingTests
{
    static DetectedObject Object(int label) =>
        new(label, 10.5, 20.25, 30, 0.9f, 10, 20, new double[] { 10, 12, 10, 8 }, new double[] { 22, 20, 18, 20 });

    [Fact]
    public void Each_frame_becomes_a_message_with_its_object_count_and_polygons()
    {
        var frames = new IReadOnlyList<DetectedObject>[] { new[] { Object(1), Object(2) }, Array.Empty<DetectedObject>() };
        var messages = DetectedObjectsMapping.ToProto("stack.tif", frames).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal((0, 2, 2), (messages[0].Frame, messages[0].FrameCount, messages[0].FrameObjectCount));
        Assert.Equal((1, 0), (messages[1].Frame, messages[1].FrameObjectCount));
        var first = messages[0].Objects[0];
        Assert.Equal((1, 10.5, 20.25, 30, 0.9f), (first.Label, first.CentroidY, first.CentroidX, first.Area, first.Probability));
        Assert.Equal(new float[] { 10, 12, 10, 8 }, first.PolygonY);
        Assert.Equal(new float[] { 22, 20, 18, 20 }, first.PolygonX);
        Assert.All(messages, m => Assert.Equal("stack.tif", m.InputName));
    }

    [Fact]
    public void A_frame_with_very_many_objects_is_split_across_messages()
    {
        var many = Enumerable.Range(1, DetectedObjectsMapping.ObjectsPerMessage + 5).Select(Object).ToList();
        var messages = DetectedObjectsMapping.ToProto("big.tif", new[] { many }).ToList();
        Assert.Equal(2, messages.Count);
        Assert.All(messages, m => Assert.Equal((0, many.Count), (m.Frame, m.FrameObjectCount)));
        Assert.Equal(many.Count, messages.Sum(m => m.Objects.Count));
    }
}
