package org.zerocostdl4mic.fiji.commands;

import ij.IJ;
import ij.ImagePlus;
import ij.measure.ResultsTable;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.CancelledByUser;
import org.zerocostdl4mic.fiji.client.JobWatcher;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.ModelFileDownloader;
import org.zerocostdl4mic.fiji.client.SampleUploader;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.CreateDatasetRequest;
import org.zerocostdl4mic.protos.v1.Dataset;
import org.zerocostdl4mic.protos.v1.DatasetKind;
import org.zerocostdl4mic.protos.v1.FileInfo;
import org.zerocostdl4mic.protos.v1.GetModelRequest;
import org.zerocostdl4mic.protos.v1.Job;
import org.zerocostdl4mic.protos.v1.JobEvent;
import org.zerocostdl4mic.protos.v1.JobResult;
import org.zerocostdl4mic.protos.v1.JobState;
import org.zerocostdl4mic.protos.v1.ListNetworksRequest;
import org.zerocostdl4mic.protos.v1.Model;
import org.zerocostdl4mic.protos.v1.NetworkInfo;
import org.zerocostdl4mic.protos.v1.QcImageResult;
import org.zerocostdl4mic.protos.v1.QcMetric;
import org.zerocostdl4mic.protos.v1.QcReport;
import org.zerocostdl4mic.protos.v1.SampleRole;
import org.zerocostdl4mic.protos.v1.SubmitQualityControlRequest;
import org.zerocostdl4mic.protos.v1.WeightsChoice;

/**
 * Plugins > ZeroCostDL4Mic > Quality Control...: uploads paired test data (source + ground truth with the same
 * names), runs the model's QC on the server, puts the metrics in a results table and opens the QC artefacts
 * (SSIM and error maps, loss curve) downloaded from the model's folder.
 */
public final class QualityControlCommand extends Command {

    @Override
    protected void execute() {
        try (ServerConnection connection = ServerConnection.open(ServerSettings.load())) {
            ModelCatalog catalog = ModelCatalog.fetch(connection);
            String[] models = catalog.labels();
            if (models.length == 0)
                throw new UserFacingException("The server has no trained model yet: train one with Plugins > ZeroCostDL4Mic > Train...");
            CommandDialog dialog = new CommandDialog("ZeroCostDL4Mic Quality Control");
            dialog.addChoice("model", models, models[0]);
            dialog.addFolder("source_folder (test inputs)", "");
            dialog.addFolder("target_folder (ground truth, same file names)", "");
            dialog.addChoice("weights", PredictCommand.WEIGHTS, PredictCommand.WEIGHTS[0]);
            dialog.addFolder("artefact_folder (empty: a temporary folder)", "");
            dialog.addCheckbox("show_artefacts (open the QC images)", !CommandDialog.readsMacroOptions());
            if (!dialog.show())
                return;
            Model model = catalog.resolve(dialog.nextChoice());
            File source = ImageFiles.folder(dialog.nextString(), "source_folder");
            File target = ImageFiles.folder(dialog.nextString(), "target_folder");
            String weights = dialog.nextChoice();
            String artefactPath = dialog.nextString();
            boolean show = dialog.nextBoolean();

            ImageJProgress progress = new ImageJProgress();
            DatasetKind kind = datasetKind(connection, model);
            Dataset dataset = connection.call(() -> connection.datasets().createDataset(CreateDatasetRequest.newBuilder()
                    .setName("QC of " + name(model)).setKind(kind).build())).getDataset();
            List<SampleUploader.Sample> samples = new ArrayList<>();
            for (File f : ImageFiles.list(source))
                samples.add(new SampleUploader.Sample(f.getName(), SampleRole.SAMPLE_ROLE_SOURCE, () -> ImageFiles.open(f)));
            for (File f : ImageFiles.list(target))
                samples.add(new SampleUploader.Sample(f.getName(), SampleRole.SAMPLE_ROLE_TARGET, () -> ImageFiles.open(f)));
            if (samples.isEmpty())
                throw new UserFacingException("The QC folders hold no images: choose a folder of test inputs and one of ground truths.");
            int pairs = new SampleUploader(connection).upload(dataset.getId(), samples, progress, progress).getDataset().getSampleCount();
            if (pairs == 0)
                throw new UserFacingException("No test input has a ground truth of the same file name: pair them by name and try again.");

            Job job = connection.call(() -> connection.jobs().submitQualityControl(SubmitQualityControlRequest.newBuilder()
                    .setModelId(model.getId()).setDatasetId(dataset.getId())
                    .setWeights("last".equals(weights) ? WeightsChoice.WEIGHTS_CHOICE_LAST : WeightsChoice.WEIGHTS_CHOICE_BEST)
                    .build())).getJob();
            log("quality control job " + job.getId() + " for model " + name(model) + " on " + pairs + " image pairs");
            JobResult[] result = {null};
            String[] failure = {""};
            JobState end = new JobWatcher(connection).watch(job.getId(), progress, (JobEvent event) -> {
                if (event.getEventCase() == JobEvent.EventCase.RESULT)
                    result[0] = event.getResult();
                else if (event.getEventCase() == JobEvent.EventCase.FAILURE)
                    failure[0] = event.getFailure();
                else if (event.getEventCase() == JobEvent.EventCase.MESSAGE)
                    progress.update(event.getMessage(), -1);
            });
            if (end == JobState.JOB_STATE_CANCELLED)
                throw new CancelledByUser("Quality control");
            if (end != JobState.JOB_STATE_SUCCEEDED || result[0] == null)
                throw new UserFacingException("Quality control failed: " + (failure[0].isEmpty() ? "see the server's log" : failure[0])
                        + ". Check that the test data suit the model and try again.");

            QcReport report = result[0].getQc();
            table(report).show("ZeroCostDL4Mic QC " + name(model));
            File folder = artefactPath.isEmpty()
                    ? new File(new File(IJ.getDirectory("temp"), Defaults.QC_FOLDER), safe(model.getId()))
                    : new File(artefactPath);
            List<File> artefacts = downloadArtefacts(connection, model.getId(), result[0].getFilesList(), folder, progress);
            log("quality control of " + name(model) + ": " + report.getImagesCount() + " images; "
                    + artefacts.size() + " QC files saved in " + folder);
            if (show) {
                for (File f : artefacts) {
                    ImagePlus imp = IJ.openImage(f.getPath());
                    if (imp != null)
                        imp.show();
                }
            }
            progress.done("Quality control finished");
        }
    }

    /** One row per test image and a last "mean" row, one column per metric, as ZeroCostDL4Mic's QC CSV. */
    static ResultsTable table(QcReport report) {
        ResultsTable table = new ResultsTable();
        for (QcImageResult image : report.getImagesList()) {
            table.incrementCounter();
            table.addValue("image", image.getImage());
            for (QcMetric metric : image.getMetricsList())
                table.addValue(metric.getName(), metric.getValue());
        }
        if (report.getSummaryCount() > 0) {
            table.incrementCounter();
            table.addValue("image", "mean");
            for (QcMetric metric : report.getSummaryList())
                table.addValue(metric.getName(), metric.getValue());
        }
        return table;
    }

    /** The job's result files, or else the model folder's images (QC maps and loss curve). */
    private static List<File> downloadArtefacts(ServerConnection connection, String modelId, List<FileInfo> jobFiles,
                                                File folder, ImageJProgress progress) {
        List<FileInfo> files = jobFiles;
        if (files.isEmpty())
            files = connection.call(() -> connection.models().getModel(GetModelRequest.newBuilder().setModelId(modelId).build()))
                    .getModel().getFilesList();
        ModelFileDownloader downloader = new ModelFileDownloader(connection);
        List<File> saved = new ArrayList<>();
        for (FileInfo file : files) {
            if (!isArtefact(file.getName()))
                continue;
            progress.update("Downloading " + file.getName(), -1);
            saved.add(downloader.download(modelId, file.getName(), new File(folder, safe(file.getName())), progress));
        }
        return saved;
    }

    static boolean isArtefact(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String extension : Defaults.ARTEFACT_EXTENSIONS)
            if (lower.endsWith(extension))
                return true;
        return false;
    }

    private static DatasetKind datasetKind(ServerConnection connection, Model model) {
        for (NetworkInfo n : connection.call(() -> connection.networks().listNetworks(ListNetworksRequest.getDefaultInstance())).getNetworksList())
            if (n.getKey().equals(model.getNetwork()))
                return n.getDatasetKind() == DatasetKind.DATASET_KIND_MASKS ? DatasetKind.DATASET_KIND_MASKS : DatasetKind.DATASET_KIND_PAIRED;
        return DatasetKind.DATASET_KIND_PAIRED;
    }

    private static String name(Model model) {
        return model.getName().isEmpty() ? model.getId() : model.getName();
    }

    /** A file name without folders: "qc/ssim map.tif" gives "qc_ssim map.tif". */
    static String safe(String name) {
        return name.replace('/', '_').replace('\\', '_').replace(':', '_');
    }
}
