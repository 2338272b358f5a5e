package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ImageProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.zerocostdl4mic.fiji.testing.ImageJMacros;
import org.zerocostdl4mic.fiji.testing.LiveServer;

/**
 * The segmentation → TrackMate path against the real C# server (skipped unless DL4MIC_TEST_SERVER names one, see
 * {@link LiveServer}): a macro trains a tiny stardist-2d model through Train... on crops of the shipped nuclei image
 * and their instance labels, then predicts a calibrated time-lapse of held-out crops through Predict... with ROIs.
 */
public class LiveStarDistTest {
    private static final int CROP = 128;
    private static final File NUCLEI = new File("../tests/ZeroCostDL4Mic.Engine.Tests/TestData/nuclei");
    /** The cheapest settings found to segment nuclei reliably (tests/ZeroCostDL4Mic.Cli.Tests/StarDistEndToEndTests.cs). */
    private static final String TINY = "epochs=4 steps_per_epoch=100 batch_size=4 patch_size=64 learning_rate=3e-3"
            + " unet_depth=3 unet_base_filters=8 net_conv_after_unet=32 n_rays=16 validation_fraction=0.25";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @Test
    public void stardistTimeLapseGivesLabelFramesRoisOnTheirFramesAndTheConsoleClientsResult() throws IOException {
        LiveServer server = LiveServer.fromEnvironment();
        Assume.assumeTrue("no nuclei test data at " + NUCLEI.getAbsolutePath(), new File(NUCLEI, "img2d_512.tif").isFile());
        ImageJMacros.install(); // before ImageJ reads its menus (opening a file does), so that they hold the plugin's commands
        ImagePlus image = IJ.openImage(new File(NUCLEI, "img2d_512.tif").getPath());
        ImagePlus masks = IJ.openImage(new File(NUCLEI, "mask2d_512.tif").getPath());
        assertEquals(16, masks.getBitDepth());

        // Training crops from the top half; the bottom half is never seen in training.
        File source = temp.newFolder("images");
        File target = temp.newFolder("masks");
        for (int y = 0; y < 256; y += CROP) {
            for (int x = 0; x < 512; x += CROP) {
                String name = "crop_" + y + "_" + x + ".tif";
                assertTrue(IJ.saveAsTiff(new ImagePlus(name, crop(image, y, x)), new File(source, name).getPath()));
                assertTrue(IJ.saveAsTiff(new ImagePlus(name, crop(masks, y, x)), new File(target, name).getPath()));
            }
        }
        // A 2D+t movie of three held-out crops: frames (T, not Z), 0.5 micron pixels, 10 s between frames.
        ImageStack frames = new ImageStack(CROP, CROP);
        for (int[] corner : new int[][] {{256, 0}, {256, 128}, {384, 128}})
            frames.addSlice(crop(image, corner[0], corner[1]));
        ImagePlus movie = new ImagePlus("timelapse.tif", frames);
        movie.setDimensions(1, 1, 3);
        Calibration calibration = movie.getCalibration();
        calibration.setUnit("micron");
        calibration.pixelWidth = calibration.pixelHeight = 0.5;
        calibration.frameInterval = 10;
        calibration.setTimeUnit("sec");
        File moviePath = new File(temp.getRoot(), "timelapse.tif");
        assertTrue(IJ.saveAsTiff(movie, moviePath.getPath()));
        File labelsPath = new File(temp.getRoot(), "timelapse_labels_fiji.tif");

        String model = "fiji-stardist-" + System.currentTimeMillis();
        long started = System.nanoTime();
        ImageJMacros.Run run = ImageJMacros.macro("setBatchMode(true);\nclose('*');\nroiManager('reset');\n"
                + server.serverMacro()
                + "run('ZeroCostDL4Mic Train...', 'network=stardist-2d data=folders model_name=" + model
                + " source_folder=[" + source + "] target_folder=[" + target + "] " + TINY + "');\n"
                + "open(" + ImageJMacros.quote(moviePath.getPath()) + ");\n"
                // The keys of the TrackMate macro in fiji-plugin/README.md.
                + "run('ZeroCostDL4Mic Predict...', 'model=" + model + " input=[current image] tile=0 overlap=0 threshold=0 weights=best add_rois');\n"
                + "selectImage('timelapse_labels');\n"
                + "getDimensions(w, h, c, z, t); getPixelSize(unit, pw, ph);\n"
                + "r = '' + w + 'x' + h + ' c' + c + ' z' + z + ' t' + t + ' ' + bitDepth() + '-bit ' + unit + ' ' + pw + ' '"
                + " + Stack.getFrameInterval() + ' rois=' + roiManager('count') + ' rows=' + Table.size('timelapse_objects') + ' ';\n"
                // Each ROI's frame, as ImageJ moves the image to it when the ROI is selected, and the frame in its name.
                + "for (i = 0; i < roiManager('count'); i++) {\n"
                + "  roiManager('select', i); Stack.getPosition(rc, rz, rt);\n"
                + "  r = r + parseInt(substring(getInfo('selection.name'), 0, 4)) + ':' + rt + ',';\n"
                + "}\n"
                + "r = r + ' table';\n"
                + "for (i = 0; i < Table.size('timelapse_objects'); i++) r = r + ' ' + Table.get('frame', i, 'timelapse_objects');\n"
                + "run('Select None');\n"
                + "saveAs('Tiff', " + ImageJMacros.quote(labelsPath.getPath()) + ");\n"
                + "return r;\n");
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.println(String.format("live stardist-2d: training and prediction through Fiji in %.0f s", seconds));
        assertTrue(run.toString(), run.dialogs.isEmpty());
        assertTrue(run.toString(), run.log.contains("training finished"));
        assertTrue(run.toString(), run.value != null && run.value.startsWith("128x128 c1 z1 t3 16-bit microns 0.5 10 rois="));

        ImagePlus labels = IJ.openImage(labelsPath.getPath());
        assertEquals(16, labels.getBitDepth());
        assertEquals(3, labels.getNFrames());
        assertEquals(1, labels.getNSlices());
        assertEquals("micron", labels.getCalibration().getUnit());
        assertEquals(0.5, labels.getCalibration().pixelWidth, 1e-9);
        assertEquals(0.5, labels.getCalibration().pixelHeight, 1e-9);
        assertEquals(10, labels.getCalibration().frameInterval, 1e-9);
        assertEquals("sec", labels.getCalibration().getTimeUnit());
        int[] perFrame = new int[3];
        for (int t = 0; t < 3; t++) {
            perFrame[t] = distinctLabels(labels.getStack().getProcessor(t + 1));
            assertTrue("no objects in frame " + (t + 1) + "\n" + run, perFrame[t] > 0);
        }
        int objects = perFrame[0] + perFrame[1] + perFrame[2];

        // One ROI per object, each on its frame; one table row per object, with the same frames.
        String[] parts = run.value.split(" rois=| rows=| table");
        assertEquals(run.toString(), objects, Integer.parseInt(parts[1]));
        assertEquals(run.toString(), objects, Integer.parseInt(parts[2].trim().split(" ")[0]));
        String[] roiFrames = parts[2].trim().split(" ")[1].split(",");
        String[] tableFrames = parts[3].trim().split(" ");
        int[] roisPerFrame = new int[3];
        int[] rowsPerFrame = new int[3];
        for (String roi : roiFrames) {
            String[] nameAndPosition = roi.split(":");
            assertEquals(run.toString(), nameAndPosition[0], nameAndPosition[1]);
            roisPerFrame[Integer.parseInt(nameAndPosition[1]) - 1]++;
        }
        for (String frame : tableFrames)
            rowsPerFrame[Integer.parseInt(frame) - 1]++;
        assertArrayEquals(run.toString(), perFrame, roisPerFrame);
        assertArrayEquals(run.toString(), perFrame, rowsPerFrame);

        // The C# console client on the same movie with the same model: the same label image, the same objects.
        File output = temp.newFolder("cli");
        String log = server.consolePredict(model, moviePath, output);
        ImagePlus fromCli = IJ.openImage(new File(output, "timelapse_labels.tif").getPath());
        assertEquals(log, 3, fromCli.getStackSize());
        for (int t = 1; t <= 3; t++)
            assertArrayEquals(log + " frame " + t, (short[]) fromCli.getStack().getPixels(t), (short[]) labels.getStack().getPixels(t));
        List<String> csv = Files.readAllLines(new File(output, "timelapse_objects.csv").toPath(), StandardCharsets.UTF_8);
        assertEquals(log, objects, csv.size() - 1);
    }

    private static ImageProcessor crop(ImagePlus image, int y, int x) {
        ImageProcessor ip = image.getProcessor();
        ip.setRoi(x, y, CROP, CROP);
        ImageProcessor crop = ip.crop();
        ip.resetRoi();
        return crop;
    }

    private static int distinctLabels(ImageProcessor plane) {
        Set<Integer> labels = new HashSet<>();
        for (int i = 0; i < plane.getPixelCount(); i++) {
            int v = (int) plane.getf(i);
            if (v > 0)
                labels.add(v);
        }
        return labels.size();
    }
}
