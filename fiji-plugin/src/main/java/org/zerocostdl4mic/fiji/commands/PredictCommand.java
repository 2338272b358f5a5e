package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;
import java.awt.GraphicsEnvironment;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.File;
import java.util.List;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.Predictor;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.fiji.converters.ImageConversionException;
import org.zerocostdl4mic.fiji.converters.OutputNames;
import org.zerocostdl4mic.protos.v1.Model;
import org.zerocostdl4mic.protos.v1.OutputKind;
import org.zerocostdl4mic.protos.v1.PredictHeader;
import org.zerocostdl4mic.protos.v1.WeightsChoice;

/**
 * Plugins > ZeroCostDL4Mic > Predict...: runs a trained model on the current image (2D, stack, time-lapse or
 * hyperstack) or on every image of a folder. Results open as new images titled {@code <title>_<kind>} with the
 * input's calibration; in a folder run they are saved as TIFFs instead.
 */
public final class PredictCommand extends Command {
    static final String CURRENT_IMAGE = "current image";
    static final String FOLDER = "folder";
    static final String[] WEIGHTS = {"best", "last"};

    @Override
    protected void execute() {
        ServerSettings settings = ServerSettings.load();
        try (ServerConnection connection = ServerConnection.open(settings)) {
            ModelCatalog catalog = null;
            UserFacingException unreachable = null;
            try {
                catalog = ModelCatalog.fetch(connection);
            } catch (UserFacingException e) {
                unreachable = e; // the dialog still opens; the model is typed instead of picked
            }
            String[] models = catalog == null ? new String[0] : catalog.labels();
            ImagePlus current = WindowManager.getCurrentImage();

            CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Predict");
            if (models.length > 0) {
                dialog.addChoice("model", models, models[0]);
            } else {
                dialog.addString("model", "", 30);
                dialog.addMessage(unreachable != null
                        ? "Server " + settings.address() + " not reachable: type the model name or id."
                        : "The server has no trained model yet: type a model name or id.");
            }
            dialog.addChoice("input", new String[] {CURRENT_IMAGE, FOLDER}, current != null ? CURRENT_IMAGE : FOLDER);
            dialog.addFolder("input_folder (for input=folder)", "");
            dialog.addFolder("output_folder (empty: <folder>/" + Defaults.PREDICTION_FOLDER + ")", "");
            dialog.addNumber("tile size in pixels (0 = server default)", Defaults.TILE_SIZE, 0);
            dialog.addNumber("overlap in pixels (0 = network default)", Defaults.TILE_OVERLAP, 0);
            dialog.addNumber("threshold (segmentation; 0 = the model's QC threshold)", Defaults.THRESHOLD, 3);
            dialog.addChoice("weights", WEIGHTS, WEIGHTS[0]);
            dialog.addCheckbox("add_rois (StarDist: objects to the ROI Manager)", true);
            if (!dialog.show())
                return;
            String modelText = models.length > 0 ? dialog.nextChoice() : dialog.nextString();
            String input = dialog.nextChoice();
            String folder = dialog.nextString();
            String outputFolder = dialog.nextString();
            int tile = (int) dialog.nextNumber();
            int overlap = (int) dialog.nextNumber();
            double threshold = dialog.nextNumber();
            String weights = dialog.nextChoice();
            boolean addRois = dialog.nextBoolean();

            if (catalog == null)
                throw unreachable;
            if (modelText.isEmpty())
                throw new UserFacingException("No model given: choose one of the server's models (model=<name or id>).");
            Model model = catalog.resolve(modelText);
            if (!model.getReady())
                throw new UserFacingException("Model '" + modelText + "' is still training: wait for its job to finish "
                        + "(Plugins > ZeroCostDL4Mic > Jobs...).");
            PredictHeader header = PredictHeader.newBuilder()
                    .setModelId(model.getId())
                    .setWeights("last".equals(weights) ? WeightsChoice.WEIGHTS_CHOICE_LAST : WeightsChoice.WEIGHTS_CHOICE_BEST)
                    .setTileSize(Math.max(0, tile))
                    .setTileOverlap(Math.max(0, overlap))
                    .setThreshold(Math.max(0, threshold))
                    .build();
            Predictor predictor = new Predictor(connection);
            if (FOLDER.equals(input))
                predictFolder(predictor, header, folder, outputFolder);
            else
                predictCurrent(predictor, header, addRois);
        }
    }

    private void predictCurrent(Predictor predictor, PredictHeader header, boolean addRois) {
        ImagePlus imp = WindowManager.getCurrentImage();
        if (imp == null)
            throw new UserFacingException("There is no open image to predict: open one, or choose input=folder with an input_folder of images.");
        ImageJProgress progress = new ImageJProgress();
        DetectedObjectsCollector objects = new DetectedObjectsCollector();
        List<Predictor.Output> outputs = predictor.predict(imp, imp.getTitle(), header, progress, progress, objects);
        if (outputs.isEmpty())
            throw new UserFacingException("The server returned no result for '" + imp.getTitle() + "': see the server's log.");
        ImagePlus labels = null;
        for (Predictor.Output output : outputs) {
            if (output.kind == OutputKind.OUTPUT_KIND_LABELS)
                labels = output.image;
        }
        for (Predictor.Output output : outputs) {
            if (output.image != labels)
                output.image.show();
        }
        if (labels != null)
            labels.show(); // last, so that it is the current image, the one the ROIs belong to
        if (!objects.isEmpty())
            showObjects(objects, imp.getTitle(), labels, addRois);
        progress.done("Predicted " + imp.getTitle());
    }

    /** The objects of an instance network: a results table, the count per frame in the Log, and ROIs if asked. */
    private static void showObjects(DetectedObjectsCollector objects, String title, ImagePlus labels, boolean addRois) {
        String base = OutputNames.baseName(title);
        objects.table().show(base + "_objects");
        log(title + ": " + objects.objectCount() + " objects (" + objects.countsText() + ")");
        if (!addRois)
            return;
        RoiManager manager = roiManager();
        for (Roi roi : objects.rois(labels))
            manager.add(labels, roi, -1);
    }

    /** The ROI Manager a macro sees: the open one, else batch mode's hidden one, else a new one. */
    private static RoiManager roiManager() {
        RoiManager manager = RoiManager.getInstance();
        if (manager == null && Interpreter.isBatchMode())
            manager = Interpreter.getBatchModeRoiManager();
        if (manager == null)
            manager = GraphicsEnvironment.isHeadless() ? new RoiManager(true) : RoiManager.getRoiManager();
        return manager;
    }

    private void predictFolder(Predictor predictor, PredictHeader header, String folderPath, String outputPath) {
        File folder = new File(folderPath);
        if (folderPath.isEmpty() || !folder.isDirectory())
            throw new UserFacingException("'" + folderPath + "' is not a folder: give the folder of images to predict (input_folder=...).");
        File output = outputPath.isEmpty() ? new File(folder, Defaults.PREDICTION_FOLDER) : new File(outputPath);
        if (!output.isDirectory() && !output.mkdirs())
            throw new UserFacingException("Cannot create the output folder " + output + ": choose one you can write to.");
        List<File> files = ImageFiles.list(folder);
        if (files.isEmpty())
            throw new UserFacingException("The folder " + folder + " holds no images (.tif, .png, .jpg): choose the folder of images to predict.");
        ImageJProgress progress = new ImageJProgress();
        int failed = 0;
        for (int i = 0; i < files.size(); i++) {
            File file = files.get(i);
            progress.update("Predicting " + (i + 1) + "/" + files.size() + ": " + file.getName(), (double) i / files.size());
            try {
                ImagePlus imp = ImageFiles.open(file);
                DetectedObjectsCollector objects = new DetectedObjectsCollector();
                List<Predictor.Output> outputs = predictor.predict(imp, file.getName(), header, progress, progress, objects);
                for (Predictor.Output result : outputs) {
                    File target = new File(output, OutputNames.resultTitle(file.getName(), result.kind) + ".tif");
                    if (!IJ.saveAsTiff(result.image, target.getPath()))
                        throw new UserFacingException("Cannot write " + target + ": choose an output folder you can write to.");
                }
                if (!objects.isEmpty()) {
                    File table = new File(output, OutputNames.baseName(file.getName()) + "_objects.csv");
                    if (!objects.table().save(table.getPath()))
                        throw new UserFacingException("Cannot write " + table + ": choose an output folder you can write to.");
                    log(file.getName() + ": " + objects.objectCount() + " objects (" + objects.countsText() + ")");
                }
                imp.close();
                log("predicted " + file.getName() + " -> " + outputs.size() + " result(s) in " + output);
            } catch (ImageConversionException | UserFacingException e) {
                if (!isAboutThisImage(e))
                    throw e;
                failed++;
                log("skipped " + file.getName() + ": " + e.getMessage());
            }
        }
        progress.done("Predicted " + (files.size() - failed) + " of " + files.size() + " images");
        if (failed > 0)
            throw new UserFacingException(failed + " of " + files.size() + " images could not be predicted (see the Log): "
                    + "convert or remove them and run the folder again.");
    }

    /** Failures that concern one image (its type, size or content); anything else stops the whole folder. */
    private static boolean isAboutThisImage(RuntimeException e) {
        if (e instanceof ImageConversionException || e instanceof ImageFiles.UnreadableImage)
            return true;
        if (e.getCause() instanceof StatusRuntimeException) {
            Status.Code code = ((StatusRuntimeException) e.getCause()).getStatus().getCode();
            return code == Status.Code.INVALID_ARGUMENT || code == Status.Code.RESOURCE_EXHAUSTED;
        }
        return false;
    }
}
