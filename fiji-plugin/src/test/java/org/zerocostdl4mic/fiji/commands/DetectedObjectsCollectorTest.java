package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import ij.process.FloatPolygon;
import ij.process.ShortProcessor;
import java.util.List;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.DetectedObject;
import org.zerocostdl4mic.protos.v1.DetectedObjects;

public class DetectedObjectsCollectorTest {

    private static DetectedObject square(int label, float cy, float cx) {
        return DetectedObject.newBuilder().setLabel(label).setCentroidY(cy).setCentroidX(cx).setArea(16).setProbability(0.75f)
                .addPolygonY(cy - 2).addPolygonY(cy - 2).addPolygonY(cy + 2).addPolygonY(cy + 2)
                .addPolygonX(cx - 2).addPolygonX(cx + 2).addPolygonX(cx + 2).addPolygonX(cx - 2).build();
    }

    private static DetectedObjectsCollector collector() {
        DetectedObjectsCollector c = new DetectedObjectsCollector();
        c.accept(DetectedObjects.newBuilder().setFrame(0).setFrameCount(2).setFrameObjectCount(1).addObjects(square(1, 5, 6)).build());
        c.accept(DetectedObjects.newBuilder().setFrame(1).setFrameCount(2).setFrameObjectCount(3).addObjects(square(1, 7, 8)).build());
        c.accept(DetectedObjects.newBuilder().setFrame(1).setFrameCount(2).setFrameObjectCount(3).addObjects(square(2, 9, 9)).build());
        return c;
    }

    @Test
    public void hyperstackRoisGetTheirFrameAsTPosition() {
        ImageStack stack = new ImageStack(16, 16);
        for (int i = 0; i < 4; i++)
            stack.addSlice(null, new ShortProcessor(16, 16));
        ImagePlus labels = new ImagePlus("labels", stack);
        labels.setDimensions(2, 1, 2);
        labels.setOpenAsHyperStack(true);
        List<Roi> rois = collector().rois(labels);
        assertEquals(3, rois.size());
        assertEquals(1, rois.get(0).getTPosition());
        assertEquals(2, rois.get(2).getTPosition());
        assertEquals(0, rois.get(2).getCPosition());
        FloatPolygon p = rois.get(0).getFloatPolygon();
        assertEquals(4, p.npoints);
        assertEquals(4.5, p.xpoints[0], 1e-6);
        assertEquals(3.5, p.ypoints[0], 1e-6);
    }

    @Test
    public void countsUseTheServersPerFrameTotalAndTheTableHasOneRowPerObject() {
        DetectedObjectsCollector c = collector();
        assertEquals("frame 1: 1, frame 2: 3", c.countsText()); // frame 2 announced 3, only 2 arrived
        assertEquals(3, c.objectCount());
        ResultsTable t = c.table();
        assertEquals(3, t.size());
        assertEquals(2, t.getValue("frame", 2), 0);
        assertEquals(2, t.getValue("label", 2), 0);
        assertEquals(9, t.getValue("centroid_x", 2), 0);
        assertEquals(0.75, t.getValue("probability", 0), 1e-6);
        // a single image: no position at all
        assertEquals(0, c.rois(new ImagePlus("one", new ShortProcessor(16, 16))).get(0).getPosition());
    }
}
