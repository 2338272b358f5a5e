package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import java.io.File;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.ModelExporter;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.ExportFormat;
import org.zerocostdl4mic.protos.v1.ExportModelRequest;
import org.zerocostdl4mic.protos.v1.Model;
import org.zerocostdl4mic.protos.v1.WeightsChoice;

/**
 * Plugins > ZeroCostDL4Mic > Export Model...: saves a trained model as a bioimage.io package (zip, for DeepImageJ
 * and other bioimage.io tools) or as an ONNX file, streamed from the server into a chosen folder.
 */
public final class ExportModelCommand extends Command {
    static final String BIOIMAGEIO = "bioimageio";
    static final String ONNX = "onnx";

    @Override
    protected void execute() {
        try (ServerConnection connection = ServerConnection.open(ServerSettings.load())) {
            ModelCatalog catalog = ModelCatalog.fetch(connection);
            String[] models = catalog.labels();
            if (models.length == 0)
                throw new UserFacingException("The server has no trained model yet: train one with Plugins > ZeroCostDL4Mic > Train...");
            CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Export Model");
            dialog.addChoice("model", models, models[0]);
            dialog.addChoice("format", new String[] {BIOIMAGEIO, ONNX}, BIOIMAGEIO);
            dialog.addFolder("folder (where the file is saved)", defaultFolder());
            dialog.addChoice("weights", PredictCommand.WEIGHTS, PredictCommand.WEIGHTS[0]);
            dialog.addCheckbox("binarize (U-Net: output the mask at the QC threshold)", false);
            if (!dialog.show())
                return;
            Model model = catalog.resolve(dialog.nextChoice());
            String format = dialog.nextChoice();
            String folderPath = dialog.nextString();
            String weights = dialog.nextChoice();
            boolean binarize = dialog.nextBoolean();
            if (folderPath.isEmpty())
                throw new UserFacingException("No folder given: choose where to save the exported model (folder=...).");
            if (!model.getReady())
                throw new UserFacingException("Model '" + model.getName() + "' is still training: wait for its job to finish "
                        + "(Plugins > ZeroCostDL4Mic > Jobs...).");
            ExportModelRequest request = ExportModelRequest.newBuilder()
                    .setModelId(model.getId())
                    .setFormat(ONNX.equals(format) ? ExportFormat.EXPORT_FORMAT_ONNX : ExportFormat.EXPORT_FORMAT_BIOIMAGEIO)
                    .setWeights("last".equals(weights) ? WeightsChoice.WEIGHTS_CHOICE_LAST : WeightsChoice.WEIGHTS_CHOICE_BEST)
                    .setBinarize(binarize)
                    .build();
            ImageJProgress progress = new ImageJProgress();
            File file = new ModelExporter(connection).export(request, new File(folderPath), progress, progress);
            log("exported model " + (model.getName().isEmpty() ? model.getId() : model.getName()) + " to " + file.getPath());
            if (ONNX.equals(format))
                log("the ONNX file holds the network only; for DeepImageJ export format=bioimageio instead.");
            else
                log("to use it in DeepImageJ, open Plugins > DeepImageJ > DeepImageJ Install Model, choose "
                        + "\"Private model\" and this zip file.");
            progress.done("Exported " + file.getName());
        }
    }

    private static String defaultFolder() {
        String home = System.getProperty("user.home");
        return home == null ? "" : home;
    }
}
