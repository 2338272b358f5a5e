package org.zerocostdl4mic.fiji.converters;

import java.util.Locale;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.protos.v1.OutputKind;

/** Titles and file names of results: {@code <input title without extension>_<kind>}. */
public final class OutputNames {
    private OutputNames() {
    }

    /** "restored", "probability", "mask" or "labels". */
    public static String kindName(OutputKind kind) {
        switch (kind) {
            case OUTPUT_KIND_RESTORED:
                return "restored";
            case OUTPUT_KIND_PROBABILITY:
                return "probability";
            case OUTPUT_KIND_MASK:
                return "mask";
            case OUTPUT_KIND_LABELS:
                return "labels";
            default:
                return "output";
        }
    }

    /** The title without an image file extension: "cells.tif" gives "cells". */
    public static String baseName(String title) {
        String lower = title.toLowerCase(Locale.ROOT);
        for (String extension : Defaults.IMAGE_EXTENSIONS) {
            if (lower.endsWith(extension) && lower.length() > extension.length())
                return title.substring(0, title.length() - extension.length());
        }
        return title;
    }

    /** "cells.tif" and LABELS give "cells_labels". */
    public static String resultTitle(String inputTitle, OutputKind kind) {
        return baseName(inputTitle) + "_" + kindName(kind);
    }
}
