package org.zerocostdl4mic.fiji.commands;

import ij.ImagePlus;
import ij.gui.PolygonRoi;
import ij.gui.Roi;
import ij.measure.ResultsTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.zerocostdl4mic.protos.v1.DetectedObject;
import org.zerocostdl4mic.protos.v1.DetectedObjects;

/**
 * The objects an instance network (StarDist) sends after its label image, one or more messages per frame: turned
 * into polygon ROIs placed on their frame, a results table and the object count per frame.
 */
final class DetectedObjectsCollector implements Consumer<DetectedObjects> {
    private final List<DetectedObjects> parts = new ArrayList<>();

    @Override
    public void accept(DetectedObjects objects) {
        parts.add(objects);
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    void clear() {
        parts.clear();
    }

    /** Frame (from 0) to its object count: the server's frame_object_count, or the objects received. */
    Map<Integer, Integer> countsPerFrame() {
        Map<Integer, Integer> received = new TreeMap<>();
        Map<Integer, Integer> announced = new TreeMap<>();
        for (DetectedObjects part : parts) {
            received.merge(part.getFrame(), part.getObjectsCount(), Integer::sum);
            announced.merge(part.getFrame(), part.getFrameObjectCount(), Math::max);
        }
        Map<Integer, Integer> counts = new TreeMap<>();
        for (Map.Entry<Integer, Integer> e : received.entrySet())
            counts.put(e.getKey(), Math.max(e.getValue(), announced.get(e.getKey())));
        return counts;
    }

    int objectCount() {
        int n = 0;
        for (DetectedObjects part : parts)
            n += part.getObjectsCount();
        return n;
    }

    /** "frame 1: 12, frame 2: 9" (frames from 1, as ImageJ numbers them). */
    String countsText() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Integer, Integer> e : countsPerFrame().entrySet()) {
            if (s.length() > 0)
                s.append(", ");
            s.append("frame ").append(e.getKey() + 1).append(": ").append(e.getValue());
        }
        return s.toString();
    }

    /** One row per object: label, frame (from 1), centroid_y, centroid_x (pixels), area (pixels), probability. */
    ResultsTable table() {
        ResultsTable table = new ResultsTable();
        for (DetectedObjects part : parts) {
            for (DetectedObject o : part.getObjectsList()) {
                table.incrementCounter();
                table.addValue("label", o.getLabel());
                table.addValue("frame", part.getFrame() + 1);
                table.addValue("centroid_y", o.getCentroidY());
                table.addValue("centroid_x", o.getCentroidX());
                table.addValue("area", o.getArea());
                table.addValue("probability", o.getProbability());
            }
        }
        return table;
    }

    /**
     * Polygon ROIs in ImageJ coordinates (pixel-index vertices + 0.5), each on its frame of {@code image}: the T
     * position of a hyperstack, or the slice of a plain stack.
     */
    List<Roi> rois(ImagePlus image) {
        List<Roi> rois = new ArrayList<>();
        boolean stack = image != null && image.getStackSize() > 1;
        boolean hyperstack = image != null && image.isHyperStack();
        for (DetectedObjects part : parts) {
            int frame = part.getFrame() + 1;
            for (DetectedObject o : part.getObjectsList()) {
                int n = Math.min(o.getPolygonXCount(), o.getPolygonYCount());
                if (n < 3)
                    continue;
                float[] x = new float[n];
                float[] y = new float[n];
                for (int i = 0; i < n; i++) {
                    x[i] = o.getPolygonX(i) + 0.5f;
                    y[i] = o.getPolygonY(i) + 0.5f;
                }
                Roi roi = new PolygonRoi(x, y, n, Roi.POLYGON);
                roi.setName(String.format("%04d-%05d", frame, o.getLabel()));
                if (hyperstack && image.getNFrames() > 1)
                    roi.setPosition(0, 0, frame);
                else if (hyperstack && image.getNSlices() > 1)
                    roi.setPosition(0, frame, 0);
                else if (stack)
                    roi.setPosition(frame);
                rois.add(roi);
            }
        }
        return rois;
    }
}
