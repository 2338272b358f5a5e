package org.zerocostdl4mic.fiji.converters;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import com.google.protobuf.ByteString;
import ij.CompositeImage;
import ij.ImagePlus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.List;
import org.junit.Test;
import org.zerocostdl4mic.protos.v1.Calibration;
import org.zerocostdl4mic.protos.v1.DType;
import org.zerocostdl4mic.protos.v1.ImageChunk;
import org.zerocostdl4mic.protos.v1.ImageHeader;

public class ImageAssemblerTest {

    @Test
    public void roundTripsEveryBitDepthAndShape() {
        int[][] shapes = { // channels, slices, frames
                {1, 1, 1}, {1, 1, 5}, {1, 4, 1}, {3, 1, 1}, {2, 3, 4}, {1, 2, 3}, {2, 1, 3}};
        for (int bitDepth : new int[] {8, 16, 32}) {
            for (int[] s : shapes) {
                ImagePlus input = TestImages.hyperstack("in.tif", bitDepth, 5, 3, s[0], s[1], s[2]);
                for (int chunkBytes : new int[] {1 << 20, 7, 15}) {
                    ImagePlus output = roundTrip(input, chunkBytes, 3);
                    String what = bitDepth + "-bit " + s[0] + "x" + s[1] + "x" + s[2] + " chunks " + chunkBytes;
                    assertEquals(what, bitDepth, output.getBitDepth());
                    assertEquals(what, 5, output.getWidth());
                    assertEquals(what, 3, output.getHeight());
                    assertEquals(what, s[0], output.getNChannels());
                    assertEquals(what, s[1], output.getNSlices());
                    assertEquals(what, s[2], output.getNFrames());
                    assertSamePixels(what, input, output);
                }
            }
        }
    }

    @Test
    public void timeLapseBecomesHyperstackWithFrames() {
        ImagePlus output = roundTrip(TestImages.hyperstack("tl", 16, 4, 4, 1, 1, 10), 1 << 20, 1 << 20);
        assertEquals(10, output.getNFrames());
        assertEquals(1, output.getNSlices());
        assertEquals(10, output.getStackSize());
    }

    @Test
    public void channelsBecomeCompositeImage() {
        ImagePlus output = roundTrip(TestImages.hyperstack("c", 32, 4, 4, 3, 1, 1), 1 << 20, 1 << 20);
        assertTrue(output instanceof CompositeImage);
        assertEquals(3, output.getNChannels());
    }

    @Test
    public void elementsSplitAcrossChunksAreJoined() {
        // 3-byte chunks cut every float and every second short in two.
        for (int bitDepth : new int[] {16, 32}) {
            ImagePlus input = TestImages.hyperstack("split", bitDepth, 3, 2, 1, 2, 1);
            ImagePlus output = assemble(ImageEncoder.header(input, "split"), rechunk(TestImages.chunks(input, 1 << 20), 3), "out");
            assertSamePixels(bitDepth + "-bit", input, output);
        }
    }

    @Test
    public void int32LabelsBecomeFloat() {
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0).putInt(70000).putInt(3);
        ImageHeader header = ImageHeader.newBuilder().setName("labels").setDtype(DType.D_TYPE_INT32).setAxes("YX")
                .addShape(1).addShape(3).setByteCount(12).build();
        ImagePlus imp = assemble(header, rechunk(java.util.Collections.singletonList(chunk(0, data.array())), 5), "l");
        assertEquals(32, imp.getBitDepth());
        assertEquals(70000, imp.getProcessor().getPixelValue(1, 0), 0);
        assertEquals(3, imp.getProcessor().getPixelValue(2, 0), 0);
    }

    @Test
    public void exactLittleEndianBytesGiveExpectedPixels() {
        ImageHeader header = ImageHeader.newBuilder().setName("u16").setDtype(DType.D_TYPE_UINT16).setAxes("YX")
                .addShape(1).addShape(2).setByteCount(4).build();
        ImagePlus imp = assemble(header, java.util.Collections.singletonList(chunk(0, new byte[] {0x02, 0x01, (byte) 0xfe, (byte) 0xff})), "u");
        assertEquals(16, imp.getBitDepth());
        assertEquals(0x0102, imp.getProcessor().get(0, 0));
        assertEquals(0xfffe, imp.getProcessor().get(1, 0));
    }

    @Test
    public void calibrationComesFromHeader() {
        ImageHeader header = ImageHeader.newBuilder().setName("c").setDtype(DType.D_TYPE_UINT8).setAxes("TYX")
                .addShape(2).addShape(1).addShape(1).setByteCount(2)
                .setCalibration(Calibration.newBuilder().setPixelSizeX(0.2).setPixelSizeY(0.3).setUnit("micron").setFrameIntervalS(5))
                .build();
        ImagePlus imp = assemble(header, java.util.Collections.singletonList(chunk(0, new byte[] {1, 2})), "c");
        assertEquals(0.2, imp.getCalibration().pixelWidth, 0);
        assertEquals(0.3, imp.getCalibration().pixelHeight, 0);
        assertEquals("micron", imp.getCalibration().getUnit());
        assertEquals(5, imp.getCalibration().frameInterval, 0);
        assertEquals(2, imp.getNFrames());
    }

    @Test
    public void checksumIsVerifiedWhenSent() throws Exception {
        byte[] bytes = {1, 2, 3, 4};
        String sha = hex(MessageDigest.getInstance("SHA-256").digest(bytes));
        ImageHeader header = ImageHeader.newBuilder().setName("s").setDtype(DType.D_TYPE_UINT8).setAxes("YX")
                .addShape(2).addShape(2).setByteCount(4).setSha256(sha).build();
        assemble(header, java.util.Collections.singletonList(chunk(0, bytes)), "ok");
        try {
            assemble(header, java.util.Collections.singletonList(chunk(0, new byte[] {1, 2, 3, 5})), "bad");
            fail("damaged image accepted");
        } catch (ImageConversionException e) {
            assertTrue(e.getMessage().contains("checksum"));
        }
    }

    @Test
    public void outOfOrderTooLongAndIncompleteAreRefused() {
        ImageHeader header = ImageHeader.newBuilder().setName("x").setDtype(DType.D_TYPE_UINT8).setAxes("YX")
                .addShape(2).addShape(2).setByteCount(4).build();
        ImageAssembler gap = new ImageAssembler(header);
        gap.append(chunk(0, new byte[] {1}));
        try {
            gap.append(chunk(2, new byte[] {1}));
            fail("gap accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
        ImageAssembler tooLong = new ImageAssembler(header);
        try {
            tooLong.append(chunk(0, new byte[5]));
            fail("extra bytes accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
        ImageAssembler incomplete = new ImageAssembler(header);
        incomplete.append(chunk(0, new byte[3]));
        assertFalse(incomplete.isComplete());
        try {
            incomplete.toImagePlus("x");
            fail("incomplete image accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
        try {
            new ImageAssembler(header.toBuilder().setByteCount(5).build());
            fail("wrong byte count accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
    }

    @Test
    public void permutedAxesLandInImageJOrder() {
        // ZTYX with 2 z and 3 t, 1x1 planes: message plane p = z*3 + t holds value p.
        byte[] bytes = {0, 1, 2, 3, 4, 5};
        ImageHeader header = ImageHeader.newBuilder().setName("p").setDtype(DType.D_TYPE_UINT8).setAxes("ZTYX")
                .addShape(2).addShape(3).addShape(1).addShape(1).setByteCount(6).build();
        ImagePlus imp = assemble(header, java.util.Collections.singletonList(chunk(0, bytes)), "p");
        assertEquals(2, imp.getNSlices());
        assertEquals(3, imp.getNFrames());
        for (int z = 0; z < 2; z++)
            for (int t = 0; t < 3; t++) {
                int index = imp.getStackIndex(1, z + 1, t + 1);
                assertEquals("z" + z + " t" + t, z * 3 + t, imp.getStack().getProcessor(index).get(0, 0));
            }
    }

    static ImagePlus roundTrip(ImagePlus input, int chunkBytes, int receiveChunkBytes) {
        ImageHeader header = ImageEncoder.header(input, input.getTitle());
        return assemble(header, rechunk(TestImages.chunks(input, chunkBytes), receiveChunkBytes), "out");
    }

    static ImagePlus assemble(ImageHeader header, List<ImageChunk> chunks, String title) {
        ImageAssembler assembler = new ImageAssembler(header);
        for (ImageChunk c : chunks)
            assembler.append(c);
        assertTrue(assembler.isComplete());
        return assembler.toImagePlus(title);
    }

    /** The same bytes cut into pieces of {@code size} bytes, as another sender might cut them. */
    static List<ImageChunk> rechunk(List<ImageChunk> chunks, int size) {
        ByteString all = ByteString.EMPTY;
        for (ImageChunk c : chunks)
            all = all.concat(c.getData());
        List<ImageChunk> result = new java.util.ArrayList<>();
        for (int offset = 0; offset < all.size(); offset += size)
            result.add(ImageChunk.newBuilder().setOffset(offset).setData(all.substring(offset, Math.min(all.size(), offset + size))).build());
        return result;
    }

    static ImageChunk chunk(long offset, byte[] bytes) {
        return ImageChunk.newBuilder().setOffset(offset).setData(ByteString.copyFrom(bytes)).build();
    }

    static void assertSamePixels(String what, ImagePlus expected, ImagePlus actual) {
        assertEquals(what, expected.getStackSize(), actual.getStackSize());
        for (int i = 1; i <= expected.getStackSize(); i++) {
            float[] a = (float[]) expected.getStack().getProcessor(i).convertToFloat().getPixels();
            float[] b = (float[]) actual.getStack().getProcessor(i).convertToFloat().getPixels();
            for (int k = 0; k < a.length; k++)
                assertEquals(what + " plane " + i + " pixel " + k, a[k], b[k], 0);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes)
            s.append(String.format("%02x", b));
        return s.toString();
    }
}
