package org.zerocostdl4mic.fiji.converters;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.List;
import org.zerocostdl4mic.protos.v1.ImageChunk;

/** Small images whose pixel values say where they are: value = plane * 1000 + y * width + x (8-bit: modulo 256). */
public final class TestImages {
    private TestImages() {
    }

    public static ImagePlus hyperstack(String title, int bitDepth, int width, int height, int channels, int slices, int frames) {
        ImageStack stack = new ImageStack(width, height);
        int planes = channels * slices * frames;
        for (int p = 0; p < planes; p++) {
            ImageProcessor ip = processor(bitDepth, width, height);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    ip.putPixelValue(x, y, value(bitDepth, p, y * width + x));
            stack.addSlice(null, ip);
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(channels, slices, frames);
        if (channels * slices * frames > 1 && (channels > 1 || frames > 1))
            imp.setOpenAsHyperStack(true);
        return imp;
    }

    public static double value(int bitDepth, int plane, int index) {
        double v = plane * 1000 + index;
        if (bitDepth == 8)
            return ((int) v) % 256;
        if (bitDepth == 32)
            return v + 0.25;
        return v;
    }

    static ImageProcessor processor(int bitDepth, int width, int height) {
        switch (bitDepth) {
            case 8:
                return new ByteProcessor(width, height);
            case 16:
                return new ShortProcessor(width, height);
            default:
                return new FloatProcessor(width, height);
        }
    }

    /** All chunks of an image as sent by the encoder. */
    public static List<ImageChunk> chunks(ImagePlus imp, int chunkBytes) {
        List<ImageChunk> chunks = new ArrayList<>();
        try {
            ImageEncoder.writeChunks(imp, chunkBytes, chunks::add);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return chunks;
    }
}
