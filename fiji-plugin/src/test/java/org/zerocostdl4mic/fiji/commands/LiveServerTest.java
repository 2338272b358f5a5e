package org.zerocostdl4mic.fiji.commands;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.GetServerInfoRequest;
import org.zerocostdl4mic.protos.v1.GetServerInfoResponse;
import org.zerocostdl4mic.fiji.testing.ImageJMacros;
import org.zerocostdl4mic.fiji.testing.LiveServer;

/**
 * The plugin against the real C# server, skipped unless DL4MIC_TEST_SERVER=http://127.0.0.1:PORT names one
 * (DL4MIC_TEST_TOKEN if it wants a token). A macro trains a tiny care-2d model through Train... on TIFF folders
 * written here, then predicts a calibrated image and a calibrated time-lapse through Predict...
 */
public class LiveServerTest {
    @Rule
    public TemporaryFolder temp = new TemporaryFolder();

    /**
     * On a server that wants a token (tests/run-all.sh starts one with DL4MIC_TEST_TOKEN), the token the plugin sends
     * identifies the user, and a wrong one gets the "refused the access token" sentence, not "cannot reach".
     */
    @Test
    public void theTokenIdentifiesTheUserAndAWrongOneIsRefused() {
        LiveServer server = LiveServer.fromEnvironment();
        Assume.assumeTrue("DL4MIC_TEST_TOKEN not set", !server.token.isEmpty());

        ServerConnection right = ServerConnection.open(new ServerSettings(server.address, server.token));
        try {
            GetServerInfoResponse info = right.call(() -> right.serverInfo(30).getServerInfo(GetServerInfoRequest.getDefaultInstance()));
            assertTrue(info.getAccessTokenRequired());
            assertTrue(info.getUser(), !info.getUser().isEmpty() && !info.getUser().equals("local"));
        } finally {
            right.close();
        }

        ServerConnection wrong = ServerConnection.open(new ServerSettings(server.address, server.token + "-wrong"));
        try {
            wrong.call(() -> wrong.serverInfo(30).getServerInfo(GetServerInfoRequest.getDefaultInstance()));
            fail("a wrong token was accepted");
        } catch (UserFacingException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("refused the access token"));
        } finally {
            wrong.close();
        }
    }

    @Test
    public void trainTinyCareModelThenPredict() throws IOException {
        LiveServer server = LiveServer.fromEnvironment();
        String model = "fiji-it-" + System.currentTimeMillis();
        String describe = "getDimensions(w, h, c, z, t); getPixelSize(unit, pw, ph);\n"
                + "r = r + getTitle() + ' ' + w + 'x' + h + ' c' + c + ' z' + z + ' t' + t + ' ' + bitDepth() + '-bit ' + unit + ' ' + pw + ' ' + ph + ' ' + Stack.getFrameInterval() + ';';\n";
        ImageJMacros.Run run = ImageJMacros.macro("setBatchMode(true);\nclose('*');\nr = '';\n"
                + server.serverMacro()
                + LiveServer.trainTinyCare(model, temp)
                + "newImage('probe.tif', '16-bit ramp', 96, 80, 1, 1, 1);\n"
                + "run('Properties...', 'channels=1 slices=1 frames=1 unit=micron pixel_width=0.2 pixel_height=0.2 voxel_depth=1');\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=" + model + " input=[current image]');\n"
                + "selectImage('probe.tif'); saveAs('Tiff', '" + new File(temp.getRoot(), "probe.tif").getPath() + "'); rename('probe.tif');\n"
                + "selectImage('probe_restored');\n" + describe
                + "saveAs('Tiff', '" + new File(temp.getRoot(), "probe_fiji.tif").getPath() + "'); rename('probe_restored');\n"
                + "newImage('movie.tif', '16-bit ramp', 64, 48, 1, 1, 3);\n"
                + "run('Properties...', 'channels=1 slices=1 frames=3 unit=micron pixel_width=0.2 pixel_height=0.2 voxel_depth=1 frame=[30 sec]');\n"
                + "run('ZeroCostDL4Mic Predict...', 'model=" + model + " input=[current image]');\n"
                + "selectImage('movie_restored');\n" + describe
                + "return r;\n");
        assertTrue(run.toString(), run.dialogs.isEmpty());
        assertTrue(run.toString(), run.log.contains("training finished"));
        assertEquals(run.toString(),
                "probe_restored 96x80 c1 z1 t1 32-bit microns 0.2 0.2 0;movie_restored 64x48 c1 z1 t3 32-bit microns 0.2 0.2 30;",
                run.value);

        // The C# console client predicts the same input with the same model: the plugin's pixels must equal the client's.
        server.assertRestoredLikeConsoleClient(model, new File(temp.getRoot(), "probe.tif"),
                new File(temp.getRoot(), "probe_fiji.tif"), temp.newFolder("cli"));
    }
}
