package org.zerocostdl4mic.fiji.converters;

import ij.ImagePlus;
import java.util.List;

/**
 * Where the planes of an image sit: ImageJ keeps a hyperstack as planes in C, Z, T order (C fastest), messages
 * carry C-order arrays whose axes end in YX. Only axes longer than one are written, slowest first in ImageJ's
 * order (T, Z, C), so a message plane is the ImageJ plane with the same index: "YX", "TYX", "ZYX", "CYX", "TZCYX".
 */
public final class ImageLayout {
    /** The axes a message may use, at most once each, ending in YX (as the server checks). */
    public static final String AXIS_LETTERS = "TZCYX";

    private final String axes;
    private final long[] shape;
    private final int width;
    private final int height;
    private final int channels;
    private final int slices;
    private final int frames;

    private ImageLayout(String axes, long[] shape, int width, int height, int channels, int slices, int frames) {
        this.axes = axes;
        this.shape = shape;
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.slices = slices;
        this.frames = frames;
    }

    /** The layout of an ImagePlus: its hyperstack dimensions as message axes. */
    public static ImageLayout of(ImagePlus imp) {
        return of(imp.getWidth(), imp.getHeight(), imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
    }

    public static ImageLayout of(int width, int height, int channels, int slices, int frames) {
        StringBuilder axes = new StringBuilder();
        long[] sizes = new long[5];
        int n = 0;
        if (frames > 1) {
            axes.append('T');
            sizes[n++] = frames;
        }
        if (slices > 1) {
            axes.append('Z');
            sizes[n++] = slices;
        }
        if (channels > 1) {
            axes.append('C');
            sizes[n++] = channels;
        }
        axes.append("YX");
        sizes[n++] = height;
        sizes[n++] = width;
        long[] shape = new long[n];
        System.arraycopy(sizes, 0, shape, 0, n);
        return new ImageLayout(axes.toString(), shape, width, height, channels, slices, frames);
    }

    /** The layout a message declares; T, Z and C may come in any order before YX. */
    public static ImageLayout fromMessage(String axes, List<Long> shape) {
        if (axes == null || !isValidAxes(axes))
            throw new ImageConversionException("The server sent an image with axes '" + axes
                    + "'; the plugin reads T, Z and C at most once each, followed by YX: update the plugin to match the server.");
        if (shape.size() != axes.length())
            throw new ImageConversionException("The server sent an image with axes '" + axes + "' but " + shape.size()
                    + " sizes: update the plugin to match the server.");
        long[] sizes = new long[shape.size()];
        int width = 1, height = 1, channels = 1, slices = 1, frames = 1;
        for (int i = 0; i < sizes.length; i++) {
            long size = shape.get(i);
            if (size <= 0 || size > Integer.MAX_VALUE)
                throw new ImageConversionException("The server sent an image of size " + size + " along " + axes.charAt(i)
                        + ", which ImageJ cannot hold.");
            sizes[i] = size;
            switch (axes.charAt(i)) {
                case 'X': width = (int) size; break;
                case 'Y': height = (int) size; break;
                case 'C': channels = (int) size; break;
                case 'Z': slices = (int) size; break;
                default: frames = (int) size; break;
            }
        }
        if ((long) width * height > Integer.MAX_VALUE)
            throw new ImageConversionException("The server sent a " + width + "x" + height
                    + " plane, larger than ImageJ can hold in one image.");
        if ((long) channels * slices * frames > Integer.MAX_VALUE)
            throw new ImageConversionException("The server sent more planes than ImageJ can hold in one stack.");
        return new ImageLayout(axes, sizes, width, height, channels, slices, frames);
    }

    static boolean isValidAxes(String axes) {
        if (!axes.endsWith("YX"))
            return false;
        for (int i = 0; i < axes.length(); i++) {
            char c = axes.charAt(i);
            if (AXIS_LETTERS.indexOf(c) < 0 || axes.indexOf(c) != i)
                return false;
        }
        return true;
    }

    public String axes() {
        return axes;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    public int slices() {
        return slices;
    }

    public int frames() {
        return frames;
    }

    public int planeCount() {
        return channels * slices * frames;
    }

    public int planePixels() {
        return width * height;
    }

    /**
     * The 1-based ImageJ stack index of the plane at position {@code plane} in message order. Message planes
     * enumerate the non-YX axes with the last one fastest; ImageJ's index is c + C*(z + Z*t) + 1.
     */
    public int stackIndexOfPlane(int plane) {
        int c = 0, z = 0, t = 0;
        int rest = plane;
        for (int i = axes.length() - 3; i >= 0; i--) {
            int size = (int) shape[i];
            int position = rest % size;
            rest /= size;
            switch (axes.charAt(i)) {
                case 'C': c = position; break;
                case 'Z': z = position; break;
                default: t = position; break;
            }
        }
        return c + channels * (z + slices * t) + 1;
    }
}
