package org.zerocostdl4mic.fiji.testing;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.Assume;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;

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

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        return out.toByteArray();
    }
}
