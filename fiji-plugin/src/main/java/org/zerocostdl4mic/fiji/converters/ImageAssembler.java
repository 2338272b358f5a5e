package org.zerocostdl4mic.fiji.converters;

import ij.CompositeImage;
import ij.ImagePlus;
import ij.ImageStack;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.zerocostdl4mic.protos.v1.DType;
import org.zerocostdl4mic.protos.v1.ImageChunk;
import org.zerocostdl4mic.protos.v1.ImageHeader;

/**
 * Builds an ImagePlus from an ImageHeader and the ImageChunk messages that follow it. Bytes are decoded straight
 * into ImageJ planes as they arrive (uint8 to 8-bit, uint16 to 16-bit, float32 and int32 to 32-bit), so no copy
 * of the raw bytes is kept; T, Z and C become hyperstack frames, slices and channels.
 */
public final class ImageAssembler {
    private final ImageHeader header;
    private final ImageLayout layout;
    private final DType dtype;
    private final int elementSize;
    private final long byteCount;
    private final Object[] planes;
    private final byte[] carry = new byte[4];
    private final MessageDigest digest;
    private int carryLength;
    private long received;
    private long element;

    public ImageAssembler(ImageHeader header) {
        this.header = header;
        this.dtype = header.getDtype();
        this.elementSize = PixelTypes.sizeOf(dtype);
        this.layout = ImageLayout.fromMessage(header.getAxes(), header.getShapeList());
        long expected = (long) layout.planeCount() * layout.planePixels() * elementSize;
        if (header.getByteCount() != expected)
            throw new ImageConversionException("The server announced " + header.getByteCount() + " bytes for image '"
                    + header.getName() + "' of shape " + header.getShapeList() + " (" + expected + " expected).");
        this.byteCount = expected;
        this.planes = new Object[layout.planeCount()];
        this.digest = header.getSha256().isEmpty() ? null : sha256();
    }

    public ImageHeader header() {
        return header;
    }

    public ImageLayout layout() {
        return layout;
    }

    public long bytesReceived() {
        return received;
    }

    public boolean isComplete() {
        return received == byteCount;
    }

    /** Adds the next chunk; it must start where the previous one ended and stay within the announced size. */
    public void append(ImageChunk chunk) {
        if (chunk.getOffset() != received)
            throw new ImageConversionException("Image '" + header.getName() + "' arrived out of order (chunk at byte "
                    + chunk.getOffset() + ", expected " + received + "): try again.");
        int length = chunk.getData().size();
        if (length > byteCount - received)
            throw new ImageConversionException("Image '" + header.getName() + "' carried more than its announced "
                    + byteCount + " bytes: try again.");
        ByteBuffer data = chunk.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (digest != null)
            digest.update(data.duplicate());
        received += length;

        if (carryLength > 0) {
            int take = Math.min(elementSize - carryLength, data.remaining());
            data.get(carry, carryLength, take);
            carryLength += take;
            if (carryLength < elementSize)
                return;
            ByteBuffer whole = ByteBuffer.wrap(carry, 0, elementSize).order(ByteOrder.LITTLE_ENDIAN);
            decode(whole, 1);
            carryLength = 0;
        }
        int count = data.remaining() / elementSize;
        decode(data, count);
        carryLength = data.remaining();
        data.get(carry, 0, carryLength);
    }

    /** Decodes {@code count} elements from {@code data} into the planes, plane by plane. */
    private void decode(ByteBuffer data, int count) {
        int planePixels = layout.planePixels();
        while (count > 0) {
            int plane = (int) (element / planePixels);
            int index = (int) (element % planePixels);
            int n = Math.min(count, planePixels - index);
            Object pixels = plane(plane);
            switch (dtype) {
                case D_TYPE_UINT8:
                    data.get((byte[]) pixels, index, n);
                    break;
                case D_TYPE_UINT16:
                    data.asShortBuffer().get((short[]) pixels, index, n);
                    data.position(data.position() + 2 * n);
                    break;
                case D_TYPE_FLOAT32:
                    data.asFloatBuffer().get((float[]) pixels, index, n);
                    data.position(data.position() + 4 * n);
                    break;
                default: { // int32 labels: exact in float up to 2^24
                    float[] target = (float[]) pixels;
                    for (int i = 0; i < n; i++)
                        target[index + i] = data.getInt();
                    break;
                }
            }
            element += n;
            count -= n;
        }
    }

    private Object plane(int plane) {
        Object pixels = planes[plane];
        if (pixels == null) {
            int n = layout.planePixels();
            switch (PixelTypes.bitDepthFor(dtype)) {
                case 8:
                    pixels = new byte[n];
                    break;
                case 16:
                    pixels = new short[n];
                    break;
                default:
                    pixels = new float[n];
                    break;
            }
            planes[plane] = pixels;
        }
        return pixels;
    }

    /** The finished image; fails when bytes are missing or the checksum does not match. */
    public ImagePlus toImagePlus(String title) {
        if (!isComplete())
            throw new ImageConversionException("Image '" + header.getName() + "' ended after " + received + " of "
                    + byteCount + " bytes: try again.");
        if (digest != null) {
            String actual = hex(digest.digest());
            if (!actual.equals(header.getSha256().toLowerCase(Locale.ROOT)))
                throw new ImageConversionException("Image '" + header.getName()
                        + "' arrived damaged (checksum mismatch): try again.");
        }
        ImageStack stack = new ImageStack(layout.width(), layout.height());
        Object[] ordered = new Object[planes.length];
        for (int plane = 0; plane < planes.length; plane++)
            ordered[layout.stackIndexOfPlane(plane) - 1] = plane(plane);
        for (Object pixels : ordered)
            stack.addSlice(null, pixels);
        ImagePlus imp = new ImagePlus(title, stack);
        imp.setDimensions(layout.channels(), layout.slices(), layout.frames());
        imp.setCalibration(CalibrationConverter.fromMessage(header.getCalibration()));
        if (layout.channels() > 1 || layout.frames() > 1)
            imp.setOpenAsHyperStack(true);
        if (layout.channels() > 1)
            imp = new CompositeImage(imp, CompositeImage.GRAYSCALE);
        resetDisplayRange(imp);
        return imp;
    }

    private void resetDisplayRange(ImagePlus imp) {
        if (dtype == DType.D_TYPE_UINT8 || imp.getNChannels() > 1) {
            imp.resetDisplayRange();
            return;
        }
        // Whole-stack range, so a label or probability time-lapse looks the same in every frame.
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (Object pixels : planes) {
            if (pixels instanceof short[]) {
                for (short v : (short[]) pixels) {
                    int u = v & 0xffff;
                    if (u < min) min = u;
                    if (u > max) max = u;
                }
            } else {
                for (float v : (float[]) pixels) {
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
            }
        }
        if (min <= max)
            imp.setDisplayRange(min, max == min ? min + 1 : max);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes)
            s.append(String.format(Locale.ROOT, "%02x", b));
        return s.toString();
    }
}
