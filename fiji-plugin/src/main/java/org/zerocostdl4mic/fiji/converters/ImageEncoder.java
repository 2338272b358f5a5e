package org.zerocostdl4mic.fiji.converters;

import com.google.protobuf.UnsafeByteOperations;
import ij.ImagePlus;
import ij.ImageStack;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.zerocostdl4mic.protos.v1.DType;
import org.zerocostdl4mic.protos.v1.ImageChunk;
import org.zerocostdl4mic.protos.v1.ImageHeader;

/**
 * An ImagePlus as an ImageHeader and ImageChunk messages: C order, little-endian, planes in ImageJ's stack order
 * (see {@link ImageLayout}). Planes are read one at a time from the stack (virtual stacks included), so sending
 * a long time-lapse needs one chunk of memory, not a copy of the stack.
 */
public final class ImageEncoder {
    private ImageEncoder() {
    }

    /** Receives chunks in order; may block (flow control) or be interrupted. */
    public interface ChunkConsumer {
        void accept(ImageChunk chunk) throws InterruptedException;
    }

    /** The header describing {@code imp} under {@code name}; checks the pixel type first. */
    public static ImageHeader header(ImagePlus imp, String name) {
        DType dtype = PixelTypes.of(imp);
        ImageLayout layout = ImageLayout.of(imp);
        checkStack(imp, layout);
        ImageHeader.Builder header = ImageHeader.newBuilder()
                .setName(name)
                .setDtype(dtype)
                .setAxes(layout.axes())
                .setCalibration(CalibrationConverter.toMessage(imp.getCalibration()))
                .setByteCount((long) layout.planeCount() * layout.planePixels() * PixelTypes.sizeOf(dtype));
        for (long size : layout.shape())
            header.addShape(size);
        return header.build();
    }

    /**
     * Streams the pixel bytes of {@code imp} as chunks of at most {@code chunkBytes} bytes (rounded down to whole
     * pixels), with contiguous increasing offsets.
     */
    public static void writeChunks(ImagePlus imp, int chunkBytes, ChunkConsumer consumer) throws InterruptedException {
        DType dtype = PixelTypes.of(imp);
        int size = PixelTypes.sizeOf(dtype);
        ImageLayout layout = ImageLayout.of(imp);
        checkStack(imp, layout);
        int capacity = Math.max(1, chunkBytes / size) * size;
        ImageStack stack = imp.getStack();
        ChunkWriter writer = new ChunkWriter(capacity, consumer);
        for (int plane = 1; plane <= layout.planeCount(); plane++) {
            Object pixels = stack.getPixels(plane);
            if (pixels == null)
                throw new ImageConversionException("Plane " + plane + " of '" + imp.getTitle() + "' could not be read.");
            writer.write(pixels, layout.planePixels());
        }
        writer.flush();
    }

    private static void checkStack(ImagePlus imp, ImageLayout layout) {
        if (imp.getStackSize() != layout.planeCount())
            throw new ImageConversionException("'" + imp.getTitle() + "' has " + imp.getStackSize() + " planes but "
                    + layout.planeCount() + " channels x slices x frames: fix them with Image > Properties.");
    }

    /** Fills one little-endian buffer at a time and hands it over as a chunk when full. */
    private static final class ChunkWriter {
        private final int capacity;
        private final ChunkConsumer consumer;
        private ByteBuffer buffer;
        private long offset;

        ChunkWriter(int capacity, ChunkConsumer consumer) {
            this.capacity = capacity;
            this.consumer = consumer;
        }

        void write(Object pixels, int count) throws InterruptedException {
            int done = 0;
            while (done < count) {
                if (buffer == null)
                    buffer = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
                int n;
                if (pixels instanceof byte[]) {
                    n = Math.min(buffer.remaining(), count - done);
                    buffer.put((byte[]) pixels, done, n);
                } else if (pixels instanceof short[]) {
                    n = Math.min(buffer.remaining() / 2, count - done);
                    buffer.asShortBuffer().put((short[]) pixels, done, n);
                    buffer.position(buffer.position() + 2 * n);
                } else if (pixels instanceof float[]) {
                    n = Math.min(buffer.remaining() / 4, count - done);
                    buffer.asFloatBuffer().put((float[]) pixels, done, n);
                    buffer.position(buffer.position() + 4 * n);
                } else {
                    throw new ImageConversionException("Cannot send pixels of type " + pixels.getClass().getSimpleName()
                            + ": convert the image to 8-, 16- or 32-bit with Image > Type.");
                }
                done += n;
                if (!buffer.hasRemaining())
                    flush();
            }
        }

        void flush() throws InterruptedException {
            if (buffer == null || buffer.position() == 0)
                return;
            int length = buffer.position();
            // The buffer is never touched again, so the chunk may wrap it instead of copying.
            ImageChunk chunk = ImageChunk.newBuilder()
                    .setOffset(offset)
                    .setData(UnsafeByteOperations.unsafeWrap(buffer.array(), 0, length))
                    .build();
            offset += length;
            buffer = null;
            consumer.accept(chunk);
        }
    }
}
