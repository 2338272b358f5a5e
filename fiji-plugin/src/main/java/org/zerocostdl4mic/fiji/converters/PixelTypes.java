package org.zerocostdl4mic.fiji.converters;

import ij.ImagePlus;
import org.zerocostdl4mic.protos.v1.DType;

/** ImageJ bit depths and wire dtypes. */
public final class PixelTypes {
    private PixelTypes() {
    }

    /** The dtype an ImagePlus travels in: 8-bit as uint8, 16-bit as uint16, 32-bit as float32. */
    public static DType of(ImagePlus imp) {
        switch (imp.getBitDepth()) {
            case 8:
                return DType.D_TYPE_UINT8;
            case 16:
                return DType.D_TYPE_UINT16;
            case 32:
                return DType.D_TYPE_FLOAT32;
            case 24:
                throw new ImageConversionException("'" + imp.getTitle() + "' is an RGB image, which networks do not take: "
                        + "convert it with Image > Type > 8-bit, or split it with Image > Color > Split Channels.");
            default:
                throw new ImageConversionException("'" + imp.getTitle() + "' has an unsupported pixel type ("
                        + imp.getBitDepth() + "-bit): convert it to 8-, 16- or 32-bit with Image > Type.");
        }
    }

    /** Bytes per element of a dtype. */
    public static int sizeOf(DType dtype) {
        switch (dtype) {
            case D_TYPE_UINT8:
                return 1;
            case D_TYPE_UINT16:
                return 2;
            case D_TYPE_INT32:
            case D_TYPE_FLOAT32:
                return 4;
            default:
                throw new ImageConversionException("The server sent an image of unknown pixel type " + dtype
                        + ": update the plugin to match the server.");
        }
    }

    /** ImageJ bit depth that holds a dtype: int32 labels become 32-bit float (ImageJ has no 32-bit integer images). */
    public static int bitDepthFor(DType dtype) {
        switch (dtype) {
            case D_TYPE_UINT8:
                return 8;
            case D_TYPE_UINT16:
                return 16;
            default:
                sizeOf(dtype); // refuses dtypes this plugin does not know
                return 32;
        }
    }
}
