package org.zerocostdl4mic.fiji.converters;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.ByteString;
import ij.ImagePlus;
import ij.ImageStack;
import ij.VirtualStack;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.DType;
import org.zerocostdl4mic.protos.v1.ImageChunk;
import org.zerocostdl4mic.protos.v1.ImageHeader;

public class ImageEncoderTest {

    @Test
    public void eightBitBytesAreRowMajor() {
        ByteProcessor ip = new ByteProcessor(3, 2, new byte[] {0, 1, 2, 3, 4, (byte) 255});
        ImagePlus imp = new ImagePlus("tiny.tif", ip);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, (byte) 0xff}, bytes(imp, 1 << 20));
        ImageHeader header = ImageEncoder.header(imp, "tiny.tif");
        assertEquals(DType.D_TYPE_UINT8, header.getDtype());
        assertEquals("YX", header.getAxes());
        assertEquals(Arrays.asList(2L, 3L), header.getShapeList());
        assertEquals(6, header.getByteCount());
        assertEquals("tiny.tif", header.getName());
    }

    @Test
    public void sixteenBitIsLittleEndianUnsigned() {
        ShortProcessor ip = new ShortProcessor(2, 1, new short[] {0x0102, (short) 0xfffe}, null);
        ImagePlus imp = new ImagePlus("s", ip);
        assertArrayEquals(new byte[] {0x02, 0x01, (byte) 0xfe, (byte) 0xff}, bytes(imp, 1 << 20));
        ImageHeader header = ImageEncoder.header(imp, "s");
        assertEquals(DType.D_TYPE_UINT16, header.getDtype());
        assertEquals(4, header.getByteCount());
    }

    @Test
    public void floatIsLittleEndianIeee754() {
        FloatProcessor ip = new FloatProcessor(2, 1, new float[] {1.0f, -2.5f});
        ImagePlus imp = new ImagePlus("f", ip);
        assertArrayEquals(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0x20, (byte) 0xc0}, bytes(imp, 1 << 20));
        assertEquals(DType.D_TYPE_FLOAT32, ImageEncoder.header(imp, "f").getDtype());
    }

    @Test
    public void stackPlanesFollowOneAnotherInStackOrder() {
        ImageStack stack = new ImageStack(1, 1);
        stack.addSlice(null, new short[] {1});
        stack.addSlice(null, new short[] {258});
        stack.addSlice(null, new short[] {3});
        ImagePlus imp = new ImagePlus("t", stack);
        imp.setDimensions(1, 1, 3);
        assertArrayEquals(new byte[] {1, 0, 2, 1, 3, 0}, bytes(imp, 1 << 20));
        ImageHeader header = ImageEncoder.header(imp, "t");
        assertEquals("TYX", header.getAxes());
        assertEquals(Arrays.asList(3L, 1L, 1L), header.getShapeList());
    }

    @Test
    public void hyperstackHeaderIsTzcyx() {
        ImagePlus imp = TestImages.hyperstack("h", 16, 5, 4, 2, 3, 4);
        ImageHeader header = ImageEncoder.header(imp, "h");
        assertEquals("TZCYX", header.getAxes());
        assertEquals(Arrays.asList(4L, 3L, 2L, 4L, 5L), header.getShapeList());
        assertEquals(4 * 3 * 2 * 4 * 5 * 2, header.getByteCount());
        assertEquals(header.getByteCount(), bytes(imp, 1000).length);
    }

    @Test
    public void chunksAreContiguousWholePixelsAndNoLargerThanAsked() {
        ImagePlus imp = TestImages.hyperstack("c", 32, 3, 3, 1, 1, 2); // 2 planes of 9 floats = 72 bytes
        for (int chunkBytes : new int[] {1, 4, 5, 7, 8, 36, 37, 72, 1000}) {
            List<ImageChunk> chunks = TestImages.chunks(imp, chunkBytes);
            long offset = 0;
            int limit = Math.max(4, chunkBytes / 4 * 4);
            for (ImageChunk chunk : chunks) {
                assertEquals("offset with chunk size " + chunkBytes, offset, chunk.getOffset());
                assertTrue(chunk.getData().size() <= limit);
                assertEquals(0, chunk.getData().size() % 4);
                offset += chunk.getData().size();
            }
            assertEquals(72, offset);
            assertEquals((72 + limit - 1) / limit, chunks.size());
        }
    }

    @Test
    public void chunkBoundaryAtPlaneBoundaryAndAcrossPlanes() {
        ImagePlus imp = TestImages.hyperstack("c", 16, 2, 2, 1, 3, 1); // planes of 8 bytes
        List<ImageChunk> atPlanes = TestImages.chunks(imp, 8);
        assertEquals(3, atPlanes.size());
        List<ImageChunk> across = TestImages.chunks(imp, 6);
        assertEquals(4, across.size());
        assertArrayEquals(bytes(imp, 1 << 20), concat(across));
        assertArrayEquals(bytes(imp, 1 << 20), concat(atPlanes));
    }

    @Test
    public void planesAreReadOneAtATimeWhileChunksGoOut() {
        // A 100-frame virtual stack: the encoder must send frame 1 before it reads frame 3.
        final List<Integer> reads = new ArrayList<>();
        final List<Integer> readsAtChunk = new ArrayList<>();
        VirtualStack stack = new VirtualStack(16, 16, null, null) {
            @Override
            public ImageProcessor getProcessor(int n) {
                reads.add(n);
                return new ShortProcessor(16, 16);
            }

            @Override
            public Object getPixels(int n) {
                return getProcessor(n).getPixels();
            }

            @Override
            public int getSize() {
                return 100;
            }
        };
        ImagePlus imp = new ImagePlus("virtual", stack);
        imp.setDimensions(1, 1, 100);
        try {
            ImageEncoder.writeChunks(imp, 512, chunk -> readsAtChunk.add(reads.size()));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertEquals(100, readsAtChunk.size());
        for (int i = 0; i < readsAtChunk.size(); i++)
            assertTrue("chunk " + i + " waited for " + readsAtChunk.get(i) + " plane reads", readsAtChunk.get(i) <= i + 2);
    }

    @Test
    public void rgbIsRefusedWithAdvice() {
        ImagePlus rgb = new ImagePlus("colour.jpg", new ColorProcessor(2, 2));
        try {
            ImageEncoder.header(rgb, "colour.jpg");
            fail("RGB accepted");
        } catch (ImageConversionException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("RGB"));
            assertTrue(e.getMessage(), e.getMessage().contains("Image > Type > 8-bit"));
        }
    }

    @Test
    public void headerCarriesCalibration() {
        ImagePlus imp = TestImages.hyperstack("cal", 8, 2, 2, 1, 1, 3);
        ij.measure.Calibration cal = imp.getCalibration();
        cal.pixelWidth = 0.5;
        cal.pixelHeight = 0.25;
        cal.setUnit("micron");
        cal.frameInterval = 2;
        cal.setTimeUnit("min");
        ImageHeader header = ImageEncoder.header(imp, "cal");
        assertEquals(0.5, header.getCalibration().getPixelSizeX(), 0);
        assertEquals(0.25, header.getCalibration().getPixelSizeY(), 0);
        assertEquals("micron", header.getCalibration().getUnit());
        assertEquals(120, header.getCalibration().getFrameIntervalS(), 1e-9);
    }

    static byte[] bytes(ImagePlus imp, int chunkBytes) {
        return concat(TestImages.chunks(imp, chunkBytes));
    }

    static byte[] concat(List<ImageChunk> chunks) {
        ByteString all = ByteString.EMPTY;
        for (ImageChunk c : chunks)
            all = all.concat(c.getData());
        return all.toByteArray();
    }
}
