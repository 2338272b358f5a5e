package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.zerocostdl4mic.fiji.testing.ImageJMacros.quote;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.plugin.frame.RoiManager;
import ij.process.ShortProcessor;
import ij.text.TextWindow;
import java.awt.event.KeyEvent;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.zerocostdl4mic.fiji.testing.FakeServer;
import org.zerocostdl4mic.fiji.testing.ImageJMacros;
import org.zerocostdl4mic.protos.v1.DType;
import org.zerocostdl4mic.protos.v1.ExportFormat;
import org.zerocostdl4mic.protos.v1.ExportModelRequest;
import org.zerocostdl4mic.protos.v1.ImageHeader;
import org.zerocostdl4mic.protos.v1.ParameterValue;
import org.zerocostdl4mic.protos.v1.SampleRole;
import org.zerocostdl4mic.protos.v1.SubmitTrainingRequest;

/** Every command run from a batch-mode macro by its menu name, against a fake server on a real HTTP/2 port. */
public class CommandsWithFakeServerTest {
    private static FakeServer server;

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    @BeforeClass
    public static void startServer() throws IOException {
        server = FakeServer.start();
    }

    @AfterClass
    public static void stopServer() throws InterruptedException {
        server.close();
    }

    private static String connect(String address, String token) {
        return "setBatchMode(true);\nclose('*');\n"
                + "run(\"ZeroCostDL4Mic Server...\", \"address=" + address + " token=[" + token + "]\");\n";
    }

    private static ImageJMacros.Run macro(String body) throws IOException {
        ImageJMacros.Run run = ImageJMacros.macro(connect(server.address(), "") + body);
        assertTrue("a dialog opened: " + run, run.dialogs.isEmpty());
        return run;
    }

    private static final String DESCRIBE =
            "getDimensions(w, h, c, z, t); getPixelSize(unit, pw, ph);\n"
            + "return getTitle() + ' ' + w + 'x' + h + ' c' + c + ' z' + z + ' t' + t + ' ' + bitDepth() + '-bit ' + unit + ' ' + pw + ' ' + ph + ' ' + Stack.getFrameInterval();\n";

    @Test
    public void serverCommandTestsTheConnection() throws IOException {
        ImageJMacros.Run run = macro("run(\"ZeroCostDL4Mic Server...\", \"address=" + server.address() + " token=[] test\");\n");
        assertTrue(run.toString(), run.log.contains("Connected to ZeroCostDL4Mic server fake-1.0 at " + server.address() + ": device cpu"));
    }

    @Test
    public void timeLapseSegmentationGivesLabelHyperstackWithFramesAndCalibration() throws IOException {
        ImageJMacros.Run run = macro(
                "newImage('cells.tif', '16-bit ramp', 64, 48, 1, 1, 6);\n"
                + "run('Properties...', 'channels=1 slices=1 frames=6 unit=micron pixel_width=0.5 pixel_height=0.5 voxel_depth=1 frame=[30 sec]');\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=nuclei input=[current image] tile=256 overlap=16 threshold=0.4 weights=last');\n"
                + "selectImage('cells_labels');\n" + DESCRIBE);
        assertEquals(run.toString(), "cells_labels 64x48 c1 z1 t6 16-bit microns 0.5 0.5 30", run.value);
        ImageHeader sent = last(server.predictedInputs);
        assertEquals("TYX", sent.getAxes());
        assertEquals(DType.D_TYPE_UINT16, sent.getDtype());
        assertEquals("cells.tif", sent.getName());
        assertEquals(0.5, sent.getCalibration().getPixelSizeX(), 0);
        assertEquals(30, sent.getCalibration().getFrameIntervalS(), 0);
        assertEquals(256, last(server.predictHeaders).getTileSize());
        assertEquals(16, last(server.predictHeaders).getTileOverlap());
        assertEquals(0.4, last(server.predictHeaders).getThreshold(), 1e-12);
        assertEquals(FakeServer.NUCLEI, last(server.predictHeaders).getModelId());
    }

    @Test
    public void probabilityAndRestoredAreFloat() throws IOException {
        ImageJMacros.Run run = macro(
                "newImage('cells.tif', '16-bit ramp', 20, 10, 1, 1, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=nuclei');\n"
                + "selectImage('cells_probability');\n" + DESCRIBE);
        assertTrue(run.toString(), run.value.startsWith("cells_probability 20x10 c1 z1 t1 32-bit"));
        run = macro(
                "newImage('noisy', '8-bit ramp', 30, 20, 1, 4, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=denoiser');\n"
                + "selectImage('noisy_restored');\n"
                + "v = getPixel(3, 2);\n" + DESCRIBE.replace("return ", "return '' + v + ' ' + "));
        assertEquals("ZYX", last(server.predictedInputs).getAxes());
        assertTrue(run.toString(), run.value.contains("noisy_restored 30x20 c1 z4 t1 32-bit"));
    }

    @Test
    public void hyperstackKeepsChannelsSlicesAndFrames() throws IOException {
        ImageJMacros.Run run = macro(
                "newImage('hs', '32-bit ramp', 16, 12, 2, 3, 4);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=denoiser');\n"
                + "selectImage('hs_restored');\n" + DESCRIBE);
        assertTrue(run.toString(), run.value.startsWith("hs_restored 16x12 c2 z3 t4 32-bit"));
        assertEquals("TZCYX", last(server.predictedInputs).getAxes());
    }

    @Test
    public void unknownModelFailsTheMacroWithOneSentence() throws IOException {
        ImageJMacros.Run run = macro(
                "newImage('x', '8-bit ramp', 8, 8, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=nope');\n"
                + "print('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: There is no model 'nope' on the server: use one of"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
        assertFalse(run.toString(), run.log.contains("Exception"));
    }

    @Test
    public void modelGoneOnTheServerIsNotFound() throws IOException {
        ImageJMacros.Run run = macro(
                "newImage('x', '8-bit ramp', 8, 8, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=ghost');\n"
                + "print('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Model 'm-ghost' was not found on the server"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
    }

    @Test
    public void serverDownSaysHowToFixIt() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String address = "http://127.0.0.1:" + port;
        ImageJMacros.Run run = ImageJMacros.macro(connect(address, "")
                + "newImage('x', '8-bit ramp', 8, 8, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=nuclei');\n"
                + "print('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Cannot reach the ZeroCostDL4Mic server at " + address));
        assertTrue(run.toString(), run.log.contains("Plugins > ZeroCostDL4Mic > Server..."));
        assertFalse(run.toString(), run.log.contains("macro went on"));
        assertTrue(run.dialogs.isEmpty());
    }

    @Test
    public void badTokenIsRefusedAndRightTokenWorks() throws IOException {
        server.requiredToken = "s3cret";
        try {
            ImageJMacros.Run run = ImageJMacros.macro(connect(server.address(), "wrong")
                    + "run('ZeroCostDL4Mic Server...', 'address=" + server.address() + " token=wrong test');\n");
            assertTrue(run.toString(), run.log.contains("refused the access token: enter the right token in Plugins > ZeroCostDL4Mic > Server..."));
            run = ImageJMacros.macro(connect(server.address(), "s3cret")
                    + "run('ZeroCostDL4Mic Server...', 'address=" + server.address() + " token=s3cret test');\n");
            assertTrue(run.toString(), run.log.contains("Connected to ZeroCostDL4Mic server"));
        } finally {
            server.requiredToken = null;
        }
    }

    @Test
    public void rgbImageIsRefusedBeforeAnythingIsSent() throws IOException {
        int before = server.predictedInputs.size();
        ImageJMacros.Run run = macro(
                "newImage('photo.jpg', 'RGB white', 8, 8, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=denoiser');\n");
        assertTrue(run.toString(), run.log.contains("'photo.jpg' is an RGB image"));
        assertEquals(before, server.predictedInputs.size());
    }

    @Test
    public void folderBatchSavesResultsAndSkipsBadImages() throws IOException {
        File in = temp.newFolder("in");
        save(image("a", 16, 10, 1), new File(in, "a.tif"));
        save(image("b", 16, 10, 3), new File(in, "b.tif"));
        Files.write(new File(in, "notes.txt").toPath(), "not an image".getBytes("UTF-8"));
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Predict...', 'model=nuclei input=folder input_folder=["
                + in.getPath() + "]');\n");
        File out = new File(in, "predictions");
        assertTrue(run.toString(), new File(out, "a_labels.tif").isFile());
        assertTrue(run.toString(), new File(out, "a_probability.tif").isFile());
        assertTrue(run.toString(), new File(out, "b_labels.tif").isFile());
        ImagePlus labels = IJ.openImage(new File(out, "b_labels.tif").getPath());
        assertEquals(16, labels.getBitDepth());
        assertEquals(3, labels.getStackSize());
        assertEquals(0.25, labels.getCalibration().pixelWidth, 0);

        // One RGB file among them: the others are done, then the macro fails naming the count.
        save(new ImagePlus("c", new ij.process.ColorProcessor(4, 4)), new File(in, "c.tif"));
        File out2 = temp.newFolder("out2");
        run = macro("run('ZeroCostDL4Mic Predict...', 'model=denoiser input=folder input_folder=[" + in.getPath()
                + "] output_folder=[" + out2.getPath() + "]');\nprint('macro went on');\n");
        assertTrue(run.toString(), new File(out2, "a_restored.tif").isFile());
        assertTrue(run.toString(), new File(out2, "b_restored.tif").isFile());
        assertTrue(run.toString(), run.log.contains("skipped c.tif"));
        assertTrue(run.toString(), run.log.contains("1 of 3 images could not be predicted"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
    }

    @Test
    public void trainFromFoldersSendsTheSchemaParametersAndFollowsTheJob() throws IOException {
        File source = temp.newFolder("source");
        File target = temp.newFolder("target");
        for (String name : new String[] {"s1.tif", "s2.tif"}) {
            save(image(name, 32, 32, 1), new File(source, name));
            save(image(name, 32, 32, 1), new File(target, name));
        }
        int samplesBefore = server.uploadedSamples.size();
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Train...', 'network=care-2d data=folders model_name=my-care "
                + "source_folder=[" + source + "] target_folder=[" + target + "] "
                + "epochs=2 steps_per_epoch=2 batch_size=4 patch_size=32 unet_depth=2 unet_base_filters=8');\n"
                + "newImage('fresh.tif', '32-bit ramp', 32, 32, 1);\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=my-care');\n"
                + "selectImage('fresh_restored');\n" + DESCRIBE);
        assertTrue(run.toString(), run.value.startsWith("fresh_restored 32x32 c1 z1 t1 32-bit"));
        SubmitTrainingRequest request = last(server.trainings);
        assertEquals("care-2d", request.getNetwork());
        assertEquals("my-care", request.getModelName());
        Map<String, String> p = new HashMap<>();
        for (ParameterValue v : request.getParametersList())
            p.put(v.getName(), v.getValue());
        assertEquals("2", p.get("epochs"));
        assertEquals("2", p.get("steps_per_epoch"));
        assertEquals("4", p.get("batch_size"));
        assertEquals("32", p.get("patch_size"));
        assertEquals("2", p.get("unet_depth"));
        assertEquals("8", p.get("unet_base_filters"));
        assertEquals("defaults travel unrounded", "0.0004", p.get("learning_rate"));
        assertEquals("true", p.get("augment"));
        assertEquals("mae", p.get("loss"));
        assertEquals(4, server.uploadedSamples.size() - samplesBefore);
        assertEquals(SampleRole.SAMPLE_ROLE_SOURCE, server.uploadedSamples.get(samplesBefore).getRole());
        assertEquals(SampleRole.SAMPLE_ROLE_TARGET, last(server.uploadedSamples).getRole());
        assertTrue(run.toString(), run.log.contains("epoch 2: loss 0.5000, val_loss 0.7500"));
        assertTrue(run.toString(), run.log.contains("training finished: model"));
    }

    @Test
    public void trainFromOpenImages() throws IOException {
        ImageJMacros.Run run = macro("newImage('noisy', '16-bit ramp', 40, 40, 1);\nnewImage('clean', '16-bit ramp', 40, 40, 1);\n"
                + "run('ZeroCostDL4Mic Train...', 'network=care-2d data=[open images] model_name=from-open source_image=noisy target_image=clean epochs=3');\n");
        assertTrue(run.toString(), run.log.contains("training finished"));
        assertEquals("from-open", last(server.trainings).getModelName());
        assertEquals("noisy", last(server.uploadedSamples).getImage().getName());
    }

    @Test
    public void badParameterIsNamed() throws IOException {
        File source = temp.newFolder("s");
        File target = temp.newFolder("t");
        save(image("x", 8, 8, 1), new File(source, "x.tif"));
        save(image("x", 8, 8, 1), new File(target, "x.tif"));
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Train...', 'network=care-2d source_folder=[" + source
                + "] target_folder=[" + target + "] epochs=0');\nprint('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("The server rejected the request: invalid training parameters (parameters.epochs: must be between 1 and 1000)"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
    }

    @Test
    public void escCancelsTheTrainingJobOnTheServer() throws Exception {
        File source = temp.newFolder("s");
        File target = temp.newFolder("t");
        save(image("x", 8, 8, 1), new File(source, "x.tif"));
        save(image("x", 8, 8, 1), new File(target, "x.tif"));
        server.endlessTraining = true;
        server.trainingWatched = false;
        int cancelledBefore = server.cancelledJobs.size();
        Thread esc = pressEscOnce(() -> server.trainingWatched);
        try {
            ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Train...', 'network=care-2d source_folder=[" + source
                    + "] target_folder=[" + target + "]');\nprint('macro went on');\n");
            assertEquals(cancelledBefore + 1, server.cancelledJobs.size());
            assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Training cancelled."));
            assertFalse(run.toString(), run.log.contains("macro went on"));
        } finally {
            server.endlessTraining = false;
            esc.join();
            IJ.resetEscape();
        }
    }

    /** Esc while the results stream in: the call is cancelled on the server and no result, table or ROI appears. */
    @Test
    public void escStopsAPredictionAndLeavesNoPartialResult() throws Exception {
        java.awt.Window earlierTable = WindowManager.getWindow("cells_objects"); // from the tests that complete a prediction
        if (earlierTable instanceof TextWindow)
            ((TextWindow) earlierTable).close(false);
        server.stallPredictions = true;
        server.predictionStalled = false;
        int cancelledBefore = server.cancelledPredictions.get();
        Thread esc = pressEscOnce(() -> server.predictionStalled);
        try {
            ImageJMacros.Run run = macro("roiManager('reset');\n"
                    + "newImage('cells.tif', '16-bit ramp', 64, 48, 1, 1, 3);\n"
                    + "run('ZeroCostDL4Mic Predict...', 'model=nuclei input=[current image] add_rois');\n"
                    + "print('macro went on');\n");
            assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Prediction cancelled."));
            assertFalse(run.toString(), run.log.contains("macro went on"));
            assertFalse(run.toString(), run.log.contains("objects ("));
            long end = System.currentTimeMillis() + 5000;
            while (server.cancelledPredictions.get() == cancelledBefore && System.currentTimeMillis() < end)
                sleep(20);
            assertEquals(cancelledBefore + 1, server.cancelledPredictions.get());
            // The labels had fully arrived before Esc: they must not be shown, nor their table or ROIs.
            assertTrue(WindowManager.getImage("cells.tif") != null);
            assertEquals(null, WindowManager.getImage("cells_labels"));
            assertEquals(null, WindowManager.getWindow("cells_objects"));
            RoiManager rois = RoiManager.getInstance();
            assertTrue(rois == null || rois.getCount() == 0);
        } finally {
            server.stallPredictions = false;
            esc.join();
            IJ.resetEscape();
        }
    }

    /** Presses Esc (as ImageJ's key listener would) 300 ms after {@code ready} turns true, waiting at most 20 s. */
    private static Thread pressEscOnce(BooleanSupplier ready) {
        Thread esc = new Thread(() -> {
            long end = System.currentTimeMillis() + 20000;
            while (!ready.getAsBoolean() && System.currentTimeMillis() < end)
                sleep(20);
            sleep(300);
            IJ.setKeyDown(KeyEvent.VK_ESCAPE);
        });
        esc.start();
        return esc;
    }

    @Test
    public void jobsTableListsJobsAndCancelsOne() throws IOException {
        trainFromOpenImages();
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Jobs...', 'cancel=none');\n"
                + "t = 'ZeroCostDL4Mic Jobs';\n"
                + "last = Table.size(t) - 1;\n"
                + "return '' + Table.getString('Job', last, t) + ' ' + Table.getString('Kind', last, t) + ' ' + Table.getString('State', last, t) + ' ' + Table.getString('Epoch', last, t);\n");
        String[] row = run.value.split(" ");
        assertEquals(run.toString(), "training succeeded 0/2", row[1] + " " + row[2] + " " + row[3]);
        // Only the caller's jobs: the server knows the caller from the token.
        assertTrue(server.jobListings.get(server.jobListings.size() - 1).getMine());
        assertEquals(FakeServer.JOB_OWNER, macro("t = 'ZeroCostDL4Mic Jobs';\nlast = Table.size(t) - 1;\nreturn '' + Table.getString('Owner', last, t);\n").value);
        run = macro("run('ZeroCostDL4Mic Jobs...', 'cancel=" + row[0] + "');\n");
        assertTrue(run.toString(), server.cancelledJobs.contains(row[0]));
        assertTrue(run.toString(), run.log.contains("job " + row[0] + " is "));
        run = macro("run('ZeroCostDL4Mic Jobs...', 'cancel=no-such-job');\nprint('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("You have no job 'no-such-job' on the server"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
    }

    @Test
    public void qualityControlFillsATableAndOpensTheArtefacts() throws IOException {
        File source = temp.newFolder("qs");
        File target = temp.newFolder("qt");
        File artefacts = temp.newFolder("artefacts");
        for (String name : new String[] {"a.tif", "b.tif"}) {
            save(image(name, 16, 16, 1), new File(source, name));
            save(image(name, 16, 16, 1), new File(target, name));
        }
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Quality Control...', 'model=denoiser source_folder=[" + source
                + "] target_folder=[" + target + "] weights=best artefact_folder=[" + artefacts + "] show_artefacts');\n"
                + "t = 'ZeroCostDL4Mic QC denoiser';\n"
                + "return '' + Table.size(t) + ' ' + Table.getString('image', 2, t) + ' ' + Table.get('prediction_ssim', 0, t) + ' images=' + nImages;\n");
        assertEquals(run.toString(), "3 mean 0.9 images=2", run.value);
        assertTrue(new File(artefacts, "qc_ssim_map_a.tif").isFile());
        assertTrue(new File(artefacts, "training_loss.png").isFile());
        assertFalse(new File(artefacts, "config.json").exists());
        assertEquals(FakeServer.DENOISER, last(server.qualityControls).getModelId());
    }

    @Test
    public void stardistObjectsBecomeRoisOnTheirFramesAndATable() throws IOException {
        String predict = "roiManager('reset');\n"
                + "newImage('movie.tif', '16-bit ramp', 32, 24, 1, 1, 2);\n"
                + "run('Properties...', 'channels=1 slices=1 frames=2 unit=micron pixel_width=0.5 pixel_height=0.5 voxel_depth=1');\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=nuclei input=[current image] %s');\n"
                + "selectImage('movie_labels');\n"
                + "getDimensions(w, h, c, z, t);\n"
                + "s = '' + bitDepth() + '-bit t' + t + ' hyper=' + Stack.isHyperstack + ' rois=' + roiManager('count') + ' ';\n";
        ImageJMacros.Run run = macro(String.format(predict, "add_rois")
                + "for (i = 0; i < roiManager('count'); i++) {\n"
                + "  roiManager('select', i); Roi.getPosition(rc, rz, rt); getSelectionCoordinates(x, y);\n"
                + "  s = s + rc + '/' + rz + '/' + rt + '/' + getSliceNumber() + ':' + x.length + ':' + x[0] + ',' + y[0] + ';';\n"
                + "}\n"
                + "tb = 'movie_objects';\n"
                + "s = s + ' rows=' + Table.size(tb);\n"
                + "for (r = 0; r < Table.size(tb); r++) s = s + ' ' + Table.get('label', r, tb) + '/' + Table.get('frame', r, tb) + '/'"
                + " + Table.get('centroid_y', r, tb) + '/' + Table.get('centroid_x', r, tb) + '/' + Table.get('area', r, tb);\n"
                + "return s;\n");
        // A T-only stack is no displayed hyperstack in batch mode, so each ROI sits on its frame as a stack position
        // (at the screen, on a hyperstack window, the ROIs get the T position instead).
        assertEquals(run.toString(), "16-bit t2 hyper=0 rois=5 "
                + "0/1/0/1:4:1.5,2.5;0/1/0/1:4:1.5,8.5;0/2/0/2:4:2.5,2.5;0/2/0/2:4:2.5,8.5;0/2/0/2:4:2.5,14.5;"
                + " rows=5 1/1/4/3/16 2/1/10/3/16 1/2/4/4/16 2/2/10/4/16 3/2/16/4/16", run.value);
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: movie.tif: 5 objects (frame 1: 2, frame 2: 3)"));
        assertFalse(run.toString(), run.log.contains("Exception"));

        // In a macro the ROIs are added only when add_rois is given; the table is always there.
        run = macro(String.format(predict, "") + "return s + Table.size('movie_objects');\n");
        assertEquals(run.toString(), "16-bit t2 hyper=0 rois=0 5", run.value);
    }

    @Test
    public void exportModelSavesTheServersFileUnderItsName() throws IOException {
        File folder = temp.newFolder("export");
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Export Model...', 'model=denoiser format=bioimageio folder=[" + folder + "]');\n");
        File zip = new File(folder, "denoiser.bioimage.io.zip");
        assertTrue(run.toString(), zip.isFile());
        assertTrue(java.util.Arrays.equals(FakeServer.exportBytes(FakeServer.DENOISER, ExportFormat.EXPORT_FORMAT_BIOIMAGEIO),
                Files.readAllBytes(zip.toPath())));
        assertEquals(1, folder.list().length); // no temporary file left behind
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: exported model denoiser to " + zip.getPath()));
        assertTrue(run.toString(), run.log.contains("DeepImageJ"));
        ExportModelRequest sent = last(server.exports);
        assertEquals(FakeServer.DENOISER, sent.getModelId());
        assertEquals(ExportFormat.EXPORT_FORMAT_BIOIMAGEIO, sent.getFormat());
        assertFalse(sent.getBinarize());

        run = macro("run('ZeroCostDL4Mic Export Model...', 'model=denoiser format=onnx folder=[" + folder + "] weights=last binarize');\n");
        File onnx = new File(folder, "denoiser.onnx");
        assertTrue(run.toString(), onnx.isFile());
        assertTrue(java.util.Arrays.equals(FakeServer.exportBytes(FakeServer.DENOISER, ExportFormat.EXPORT_FORMAT_ONNX),
                Files.readAllBytes(onnx.toPath())));
        assertEquals(ExportFormat.EXPORT_FORMAT_ONNX, last(server.exports).getFormat());
        assertTrue(last(server.exports).getBinarize());
    }

    @Test
    public void exportErrorsAreOneSentenceAndLeaveNoFile() throws IOException {
        File folder = temp.newFolder("export-errors");
        ImageJMacros.Run run = macro("run('ZeroCostDL4Mic Export Model...', 'model=nuclei format=onnx folder=[" + folder + "]');\n"
                + "print('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Model 'nuclei' (stardist-2d) cannot be exported as ONNX alone: "
                + "its polygons need the bioimage.io package: check the model"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
        assertFalse(run.toString(), run.log.contains("Exception"));
        run = macro("run('ZeroCostDL4Mic Export Model...', 'model=ghost folder=[" + folder + "]');\n"
                + "print('macro went on');\n");
        assertTrue(run.toString(), run.log.contains("ZeroCostDL4Mic: Model 'm-ghost' was not found on the server"));
        assertFalse(run.toString(), run.log.contains("macro went on"));
        assertEquals(0, folder.list().length);
    }

    private static ImagePlus image(String title, int width, int height, int slices) {
        ij.ImageStack stack = new ij.ImageStack(width, height);
        for (int z = 0; z < slices; z++) {
            ShortProcessor ip = new ShortProcessor(width, height);
            for (int i = 0; i < width * height; i++)
                ip.set(i, (i * 7 + z * 13) % 1000);
            stack.addSlice(null, ip);
        }
        ImagePlus imp = new ImagePlus(title, stack);
        imp.getCalibration().pixelWidth = 0.25;
        imp.getCalibration().pixelHeight = 0.25;
        imp.getCalibration().setUnit("micron");
        return imp;
    }

    private static void save(ImagePlus imp, File file) {
        assertTrue(IJ.saveAsTiff(imp, file.getPath()));
    }

    private static <T> T last(java.util.List<T> list) {
        return list.get(list.size() - 1);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
