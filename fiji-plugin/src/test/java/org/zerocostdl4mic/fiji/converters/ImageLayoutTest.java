package org.zerocostdl4mic.fiji.converters;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.util.Arrays;
import org.junit.Test;

public class ImageLayoutTest {

    @Test
    public void axesListOnlyDimensionsLongerThanOneInImageJOrder() {
        assertEquals("YX", ImageLayout.of(7, 5, 1, 1, 1).axes());
        assertArrayEquals(new long[] {5, 7}, ImageLayout.of(7, 5, 1, 1, 1).shape());
        assertEquals("TYX", ImageLayout.of(7, 5, 1, 1, 100).axes());
        assertArrayEquals(new long[] {100, 5, 7}, ImageLayout.of(7, 5, 1, 1, 100).shape());
        assertEquals("ZYX", ImageLayout.of(7, 5, 1, 9, 1).axes());
        assertEquals("CYX", ImageLayout.of(7, 5, 3, 1, 1).axes());
        assertEquals("TZCYX", ImageLayout.of(7, 5, 2, 3, 4).axes());
        assertArrayEquals(new long[] {4, 3, 2, 5, 7}, ImageLayout.of(7, 5, 2, 3, 4).shape());
        assertEquals("TCYX", ImageLayout.of(7, 5, 2, 1, 4).axes());
    }

    @Test
    public void canonicalMessagePlanesAreImageJPlanesInTheSameOrder() {
        ImageLayout layout = ImageLayout.of(4, 4, 2, 3, 4);
        for (int plane = 0; plane < layout.planeCount(); plane++)
            assertEquals(plane + 1, layout.stackIndexOfPlane(plane));
        ImageLayout message = ImageLayout.fromMessage("TZCYX", Arrays.asList(4L, 3L, 2L, 4L, 4L));
        for (int plane = 0; plane < message.planeCount(); plane++)
            assertEquals(plane + 1, message.stackIndexOfPlane(plane));
    }

    @Test
    public void otherAxisOrdersAreMappedToImageJOrder() {
        // ZTYX: z slowest in the message, t fastest; ImageJ wants t slowest.
        ImageLayout layout = ImageLayout.fromMessage("ZTYX", Arrays.asList(3L, 2L, 5L, 6L));
        assertEquals(3, layout.slices());
        assertEquals(2, layout.frames());
        assertEquals(1, layout.channels());
        // message plane p = z*2 + t -> ImageJ index z + 3*t + 1
        int[] expected = {1, 4, 2, 5, 3, 6};
        for (int p = 0; p < 6; p++)
            assertEquals("plane " + p, expected[p], layout.stackIndexOfPlane(p));
        // CZYX -> ImageJ c + C*z
        ImageLayout czyx = ImageLayout.fromMessage("CZYX", Arrays.asList(2L, 3L, 1L, 1L));
        int[] expected2 = {1, 3, 5, 2, 4, 6};
        for (int p = 0; p < 6; p++)
            assertEquals("plane " + p, expected2[p], czyx.stackIndexOfPlane(p));
    }

    @Test
    public void readsSizesFromMessage() {
        ImageLayout layout = ImageLayout.fromMessage("YX", Arrays.asList(5L, 7L));
        assertEquals(7, layout.width());
        assertEquals(5, layout.height());
        assertEquals(1, layout.planeCount());
        assertEquals(35, layout.planePixels());
    }

    @Test
    public void rejectsAxesTheServerCannotSend() {
        for (String axes : new String[] {"XY", "YXC", "TTYX", "QYX", "", "Y"}) {
            try {
                ImageLayout.fromMessage(axes, sizes(axes.length()));
                fail(axes + " accepted");
            } catch (ImageConversionException expected) {
                // fine
            }
        }
        try {
            ImageLayout.fromMessage("ZYX", Arrays.asList(2L, 3L));
            fail("shape of wrong length accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
        try {
            ImageLayout.fromMessage("YX", Arrays.asList(0L, 3L));
            fail("empty axis accepted");
        } catch (ImageConversionException expected) {
            // fine
        }
    }

    private static java.util.List<Long> sizes(int n) {
        Long[] s = new Long[n];
        Arrays.fill(s, 2L);
        return Arrays.asList(s);
    }
}
