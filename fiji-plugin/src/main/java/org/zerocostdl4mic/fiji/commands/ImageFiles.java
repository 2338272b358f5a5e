package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import ij.ImagePlus;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.UserFacingException;

/** The images of a folder, in name order, opened with ImageJ's own readers. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** A file ImageJ could not read as an image. */
    static final class UnreadableImage extends UserFacingException {
        private static final long serialVersionUID = 1L;

        UnreadableImage(File file) {
            super("ImageJ cannot read " + file + " as an image: convert it to TIFF or remove it from the folder.");
        }
    }

    static List<File> list(File folder) {
        File[] files = folder.listFiles();
        List<File> images = new ArrayList<>();
        if (files == null)
            return images;
        Arrays.sort(files);
        for (File f : files) {
            String name = f.getName().toLowerCase(Locale.ROOT);
            if (!f.isFile() || name.startsWith("."))
                continue;
            for (String extension : Defaults.IMAGE_EXTENSIONS) {
                if (name.endsWith(extension)) {
                    images.add(f);
                    break;
                }
            }
        }
        return images;
    }

    static ImagePlus open(File file) {
        ImagePlus imp = IJ.openImage(file.getPath());
        if (imp == null)
            throw new UnreadableImage(file);
        return imp;
    }

    static File folder(String path, String key) {
        File folder = new File(path);
        if (path.isEmpty() || !folder.isDirectory())
            throw new UserFacingException("'" + path + "' is not a folder: give an existing folder of images (" + key + "=...).");
        return folder;
    }
}
