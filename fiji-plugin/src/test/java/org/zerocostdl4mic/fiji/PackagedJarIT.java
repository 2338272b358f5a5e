package org.zerocostdl4mic.fiji;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.Calibration;
import java.awt.GraphicsEnvironment;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.zerocostdl4mic.fiji.testing.FakeServer;
import org.zerocostdl4mic.fiji.testing.ImageJMacros;
import org.zerocostdl4mic.fiji.testing.LiveServer;

/**
 * Checks the jar Fiji will load (run by Maven after shading, in the package phase): Java 8 class files, every
 * bundled library moved under org.zerocostdl4mic.fiji.shaded with its service files, and the real thing: a
 * separate ImageJ started with {@code ij.ImageJ -batch}, the jar in its plugins folder, running macros against a
 * fake server in this JVM (results, and exit status 1 after a failed command) and, when DL4MIC_TEST_SERVER names
 * one, against the real C# server.
 */
public class PackagedJarIT {
    private static final String SHADED = "org/zerocostdl4mic/fiji/shaded/";

    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    private static File pluginJar() {
        String path = System.getProperty("plugin.jar");
        Assume.assumeTrue("plugin.jar not set: run through Maven's package phase", path != null);
        File jar = new File(path);
        assertTrue(jar + " missing", jar.isFile());
        return jar;
    }

    @Test
    public void classesAreJava8AndLibrariesAreRelocated() throws IOException {
        try (ZipFile zip = new ZipFile(pluginJar())) {
            Set<String> names = new HashSet<>();
            int classes = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                String name = entry.getName();
                names.add(name);
                if (!name.endsWith(".class"))
                    continue;
                classes++;
                assertTrue("not relocated: " + name, name.startsWith("org/zerocostdl4mic/"));
                try (DataInputStream in = new DataInputStream(zip.getInputStream(entry))) {
                    assertEquals(0xCAFEBABE, in.readInt());
                    in.readUnsignedShort();
                    int major = in.readUnsignedShort();
                    assertTrue(name + " has class version " + major + " (Java 8 is 52)", major <= 52);
                }
            }
            assertTrue(classes > 1000);
            assertTrue(names.contains("plugins.config"));
            assertTrue(names.contains(SHADED + "io/netty/handler/codec/http2/Http2CodecUtil.class"));
            assertTrue(names.contains(SHADED + "com/google/protobuf/Message.class"));
            assertTrue(names.contains(SHADED + "com/google/common/collect/ImmutableList.class"));
            List<String> services = new ArrayList<>();
            for (String name : names)
                if (name.startsWith("META-INF/services/") && !name.endsWith("/"))
                    services.add(name);
            assertFalse(services.isEmpty());
            for (String service : services) {
                String type = service.substring("META-INF/services/".length());
                assertTrue("service file not relocated: " + service, type.startsWith("org.zerocostdl4mic.fiji.shaded."));
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(zip.getInputStream(zip.getEntry(service)), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        line = line.trim();
                        if (line.isEmpty() || line.startsWith("#"))
                            continue;
                        assertTrue(service + " names " + line + ", missing from the jar", names.contains(line.replace('.', '/') + ".class"));
                    }
                }
            }
        }
    }

    @Test
    public void imageJBatchModeRunsThePluginAgainstAServer() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            String log = imageJBatch(connectAndOpenCells(server.address(), 5)
                    + "run('ZeroCostDL4Mic Server...', 'address=" + server.address() + " token=[] test');\n"
                    + "run('Properties...', 'channels=1 slices=1 frames=5 unit=micron pixel_width=0.5 pixel_height=0.5 voxel_depth=1 frame=[30 sec]');\n"
                    + "run('ZeroCostDL4Mic Predict...', 'model=nuclei');\n"
                    + "selectImage('cells_labels');\n"
                    + "getDimensions(w, h, c, z, t); getPixelSize(unit, pw, ph);\n"
                    + "print('RESULT ' + getTitle() + ' ' + w + 'x' + h + ' t' + t + ' ' + bitDepth() + '-bit ' + unit + ' ' + pw + ' ' + Stack.getFrameInterval());\n", 0);
            assertTrue(log, log.contains("Connected to ZeroCostDL4Mic server fake-1.0"));
            assertTrue(log, log.contains("RESULT cells_labels 64x48 t5 16-bit microns 0.5 30"));
            assertFalse(log, log.contains("Exception"));
        }
    }

    /** ImageJ.main exits 0 whatever its macro did; a failed command must end it with status 1 and its sentence. */
    @Test
    public void aFailedCommandEndsImageJBatchWithExitStatus1() throws Exception {
        try (FakeServer server = FakeServer.start()) {
            String log = imageJBatch(connectAndOpenCells(server.address(), 1)
                    + "run('ZeroCostDL4Mic Predict...', 'model=nope');\n"
                    + "print('macro went on');\n", 1);
            assertTrue(log, log.contains("ZeroCostDL4Mic: There is no model 'nope' on the server"));
            assertFalse(log, log.contains("macro went on"));
            assertFalse(log, log.contains("Exception"));
        }
        String down = "http://127.0.0.1:" + freePort();
        String log = imageJBatch(connectAndOpenCells(down, 1)
                + "run('ZeroCostDL4Mic Predict...', 'model=nuclei');\n"
                + "print('macro went on');\n", 1);
        assertTrue(log, log.contains("ZeroCostDL4Mic: Cannot reach the ZeroCostDL4Mic server at " + down));
        assertFalse(log, log.contains("macro went on"));
    }

    /**
     * The shipped jar against the real C# server (skipped unless DL4MIC_TEST_SERVER names one, see {@link LiveServer}):
     * the separate ImageJ trains a tiny care-2d model through Train..., predicts a calibrated time-lapse through
     * Predict... and saves the result, which must have the movie's frames and calibration and the pixels of
     * {@code dl4mic predict} on the same file.
     */
    @Test
    public void imageJBatchTrainsAndPredictsOnTheLiveServer() throws Exception {
        LiveServer server = LiveServer.fromEnvironment();
        File movie = new File(temp.getRoot(), "movie.tif");
        File restored = new File(temp.getRoot(), "movie_restored_fiji.tif");
        String model = "fiji-jar-" + System.currentTimeMillis();
        String log = imageJBatch("setBatchMode(true);\n"
                + server.serverMacro()
                + LiveServer.trainTinyCare(model, temp)
                + "newImage('movie.tif', '16-bit ramp', 64, 48, 1, 1, 3);\n"
                + "run('Add Specified Noise...', 'stack standard=2000');\n"
                + "run('Properties...', 'channels=1 slices=1 frames=3 unit=micron pixel_width=0.2 pixel_height=0.2 voxel_depth=1 frame=[30 sec]');\n"
                + "saveAs('Tiff', " + ImageJMacros.quote(movie.getPath()) + ");\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=" + model + " input=[current image]');\n"
                + "selectImage('movie_restored');\n"
                + "saveAs('Tiff', " + ImageJMacros.quote(restored.getPath()) + ");\n", 0);
        assertTrue(log, log.contains("training finished"));
        assertFalse(log, log.contains("Exception"));

        ImagePlus result = IJ.openImage(restored.getPath());
        assertTrue(log, result != null);
        assertEquals(64, result.getWidth());
        assertEquals(48, result.getHeight());
        assertEquals(32, result.getBitDepth());
        assertEquals(3, result.getNFrames());
        assertEquals(1, result.getNSlices());
        Calibration calibration = result.getCalibration();
        assertEquals("micron", calibration.getUnit());
        assertEquals(0.2, calibration.pixelWidth, 1e-9);
        assertEquals(0.2, calibration.pixelHeight, 1e-9);
        assertEquals(30, calibration.frameInterval, 1e-9);
        server.assertRestoredLikeConsoleClient(model, movie, restored, temp.newFolder("cli"));
    }

    /** Batch mode, the plugin pointed at {@code address} (no token), and a 64x48 16-bit time-lapse 'cells.tif'. */
    private static String connectAndOpenCells(String address, int frames) {
        return "setBatchMode(true);\n"
                + "run('ZeroCostDL4Mic Server...', 'address=" + address + " token=[]');\n"
                + "newImage('cells.tif', '16-bit ramp', 64, 48, 1, 1, " + frames + ");\n";
    }

    /**
     * Runs {@code java -cp ij.jar ij.ImageJ -batch macro.ijm} in a fresh ImageJ folder whose plugins folder holds the
     * shipped jar (and whose home holds its preferences, so the token stays in the temporary folder), checks its exit
     * status and returns what it printed (its Log, as it has no window).
     */
    private String imageJBatch(String macroText, int exitStatus) throws Exception {
        File jar = pluginJar();
        Assume.assumeFalse("ImageJ's menus need a display: run under xvfb-run (build.sh does)", GraphicsEnvironment.isHeadless());
        File home = temp.newFolder();
        File plugins = new File(home, "plugins");
        assertTrue(plugins.mkdirs());
        Files.copy(jar.toPath(), new File(plugins, jar.getName()).toPath());
        File ijJar = new File(IJ.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File macro = new File(home, "macro.ijm");
        Files.write(macro.toPath(), macroText.getBytes(StandardCharsets.UTF_8));
        String java = new File(System.getProperty("java.home"), "bin/java").getPath();
        Process process = new ProcessBuilder(java, "-Duser.home=" + home.getPath(), "-Dplugins.dir=" + home.getPath(),
                "-cp", ijJar.getPath(), "ij.ImageJ", "-batch", macro.getPath())
                .directory(home)
                .redirectErrorStream(true)
                .start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output));
        reader.start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished)
            process.destroyForcibly();
        reader.join(5000);
        String log = new String(output.toByteArray(), StandardCharsets.UTF_8);
        System.out.println(log);
        assertTrue("ImageJ did not finish:\n" + log, finished);
        assertEquals(log, exitStatus, process.exitValue());
        return log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buffer = new byte[8192];
        int n;
        try {
            while ((n = in.read(buffer)) > 0)
                out.write(buffer, 0, n);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
