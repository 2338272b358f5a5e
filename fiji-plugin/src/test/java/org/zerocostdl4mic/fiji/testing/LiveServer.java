package org.zerocostdl4mic.fiji.testing;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.process.FloatProcessor;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.Assume;
import org.junit.rules.TemporaryFolder;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.converters.OutputNames;
import org.zerocostdl4mic.protos.v1.OutputKind;

/**
 * The real C# server that tests/run-all.sh starts for the plugin's live tests: DL4MIC_TEST_SERVER=http://127.0.0.1:PORT,
 * DL4MIC_TEST_TOKEN if it wants a token, and DL4MIC_CLI, the path of the console client dl4mic.dll, to compare with.
 * A test that needs one is skipped when these are not set.
 */
public final class LiveServer {
    public final String address;
    /** Empty on a server without tokens. */
    public final String token;

    private LiveServer(String address, String token) {
        this.address = address;
        this.token = token;
    }

    /** The server named by the environment; skips the test when there is none. */
    public static LiveServer fromEnvironment() {
        String address = System.getenv("DL4MIC_TEST_SERVER");
        Assume.assumeTrue("DL4MIC_TEST_SERVER not set", address != null && !address.trim().isEmpty());
        String token = System.getenv("DL4MIC_TEST_TOKEN");
        return new LiveServer(address.trim(), token == null ? "" : token);
    }

    /** The macro line that points the plugin at this server. */
    public String serverMacro() {
        return "run('ZeroCostDL4Mic Server...', 'address=" + address + " token=[" + token + "] test');\n";
    }

    /** The id of the newest model called {@code name}, as the plugin resolves it. */
    public String modelId(String name) {
        ServerConnection connection = ServerConnection.open(new ServerSettings(address, token));
        try {
            return ModelCatalog.fetch(connection).resolve(name).getId();
        } finally {
            connection.close();
        }
    }

    /**
     * {@code dotnet dl4mic.dll predict} on {@code input} into {@code output} with the model called {@code modelName}
     * (the token goes in DL4MIC_TOKEN, as users pass it). Skips the test when DL4MIC_CLI is not set; fails when the
     * client does. Returns the client's output.
     */
    public String consolePredict(String modelName, File input, File output) throws IOException {
        String cli = System.getenv("DL4MIC_CLI");
        Assume.assumeTrue("DL4MIC_CLI not set", cli != null && new File(cli).isFile());
        ProcessBuilder builder = new ProcessBuilder("dotnet", cli, "predict", "--server", address, "--model", modelId(modelName),
                "--input", input.getPath(), "--output", output.getPath())
                .redirectErrorStream(true);
        builder.environment().put("DL4MIC_TOKEN", token); // empty: no token, as on a server without tokens
        Process process = builder.start();
        String log = new String(readAll(process.getInputStream()), StandardCharsets.UTF_8);
        try {
            assertEquals(log, 0, process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return log;
    }

    /**
     * The macro line that trains a tiny care-2d model called {@code model} through Train... (a few seconds), on four
     * 64x64 noisy/clean 32-bit TIFF pairs written here into the folders "source" and "target" of {@code temp}.
     */
    public static String trainTinyCare(String model, TemporaryFolder temp) throws IOException {
        File source = temp.newFolder("source");
        File target = temp.newFolder("target");
        Random random = new Random(42);
        for (int i = 0; i < 4; i++) {
            FloatProcessor clean = new FloatProcessor(64, 64);
            FloatProcessor noisy = new FloatProcessor(64, 64);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    float v = (float) (100 + 50 * Math.sin((x + 7 * i) / 6.0) * Math.cos(y / 9.0));
                    clean.setf(x, y, v);
                    noisy.setf(x, y, v + (float) (15 * random.nextGaussian()));
                }
            }
            String name = "pair_" + i + ".tif";
            assertTrue(IJ.saveAsTiff(new ImagePlus(name, noisy), new File(source, name).getPath()));
            assertTrue(IJ.saveAsTiff(new ImagePlus(name, clean), new File(target, name).getPath()));
        }
        return "run('ZeroCostDL4Mic Train...', 'network=care-2d data=folders model_name=" + model
                + " source_folder=[" + source + "] target_folder=[" + target + "]"
                + " epochs=2 steps_per_epoch=2 batch_size=4 patch_size=32 unet_depth=2 unet_base_filters=8');\n";
    }

    /**
     * Checks that {@code fromFiji}, the restored image the plugin gave for {@code input} with the model called
     * {@code modelName}, has exactly the planes and 32-bit pixels of {@code dl4mic predict} on the same file (written
     * into {@code cliFolder}).
     */
    public void assertRestoredLikeConsoleClient(String modelName, File input, File fromFiji, File cliFolder) throws IOException {
        String log = consolePredict(modelName, input, cliFolder);
        String cliName = OutputNames.resultTitle(input.getName(), OutputKind.OUTPUT_KIND_RESTORED) + ".tif";
        ImagePlus cli = IJ.openImage(new File(cliFolder, cliName).getPath());
        ImagePlus fiji = IJ.openImage(fromFiji.getPath());
        assertTrue(log, cli != null && fiji != null);
        assertEquals(log, cli.getWidth(), fiji.getWidth());
        assertEquals(log, cli.getHeight(), fiji.getHeight());
        assertEquals(log, cli.getStackSize(), fiji.getStackSize());
        for (int plane = 1; plane <= cli.getStackSize(); plane++)
            assertArrayEquals(log + " plane " + plane, (float[]) cli.getStack().getPixels(plane), (float[]) fiji.getStack().getPixels(plane), 0f);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        return out.toByteArray();
    }
}
