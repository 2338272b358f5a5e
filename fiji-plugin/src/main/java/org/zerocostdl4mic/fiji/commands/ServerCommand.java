package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.ServerAddress;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.protos.v1.GetServerInfoRequest;
import org.zerocostdl4mic.protos.v1.GetServerInfoResponse;

/** Plugins > ZeroCostDL4Mic > Server...: the server address and access token, with a connection test. */
public final class ServerCommand extends Command {

    @Override
    protected void execute() {
        ServerSettings current = ServerSettings.load();
        CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Server");
        dialog.addString("address", current.address(), 30);
        dialog.addPassword("token (empty if the server needs none)", current.token());
        dialog.addCheckbox("test connection", !CommandDialog.readsMacroOptions());
        if (!dialog.show())
            return;
        ServerSettings settings = new ServerSettings(dialog.nextString(), dialog.nextString());
        boolean test = dialog.nextBoolean();
        ServerAddress.parse(settings.address()); // a typo is reported before it is saved
        settings.save();
        if (!test)
            return;
        try (ServerConnection connection = ServerConnection.open(settings)) {
            GetServerInfoResponse info = connection.call(() -> connection.serverInfo(Defaults.CONNECTION_TEST_SECONDS)
                    .getServerInfo(GetServerInfoRequest.getDefaultInstance()));
            String message = describe(connection.address(), info);
            log(message);
            if (!CommandDialog.readsMacroOptions() && !java.awt.GraphicsEnvironment.isHeadless())
                IJ.showMessage(Defaults.TITLE, message);
        }
    }

    static String describe(ServerAddress address, GetServerInfoResponse info) {
        return "Connected to ZeroCostDL4Mic server " + info.getVersion() + " at " + address + ": device "
                + info.getDevice() + (info.getCudaAvailable() ? " (CUDA available)" : "")
                + ", images up to " + (info.getMaxImageBytes() >> 20) + " MiB"
                + ", " + info.getMaxConcurrentTrainings() + " training(s) at a time.";
    }
}
