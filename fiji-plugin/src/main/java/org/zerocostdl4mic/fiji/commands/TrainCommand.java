package org.zerocostdl4mic.fiji.commands;

import ij.ImagePlus;
import ij.WindowManager;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.client.CancelledByUser;
import org.zerocostdl4mic.fiji.client.JobWatcher;
import org.zerocostdl4mic.fiji.client.ModelCatalog;
import org.zerocostdl4mic.fiji.client.SampleUploader;
import org.zerocostdl4mic.fiji.client.ServerConnection;
import org.zerocostdl4mic.fiji.client.ServerSettings;
import org.zerocostdl4mic.fiji.client.UserFacingException;
import org.zerocostdl4mic.protos.v1.CreateDatasetRequest;
import org.zerocostdl4mic.protos.v1.Dataset;
import org.zerocostdl4mic.protos.v1.DatasetKind;
import org.zerocostdl4mic.protos.v1.Job;
import org.zerocostdl4mic.protos.v1.JobEvent;
import org.zerocostdl4mic.protos.v1.JobState;
import org.zerocostdl4mic.protos.v1.ListNetworksRequest;
import org.zerocostdl4mic.protos.v1.NetworkInfo;
import org.zerocostdl4mic.protos.v1.ParameterSpec;
import org.zerocostdl4mic.protos.v1.ParameterValue;
import org.zerocostdl4mic.protos.v1.SampleRole;
import org.zerocostdl4mic.protos.v1.SubmitTrainingRequest;
import org.zerocostdl4mic.protos.v1.UploadSamplesResponse;

/**
 * Plugins > ZeroCostDL4Mic > Train...: picks a network, builds its parameter fields from the server's schema
 * (defaults included), uploads the training data, submits the training job and follows it (Esc cancels the job).
 */
public final class TrainCommand extends Command {
    static final String FOLDERS = "folders";
    static final String OPEN_IMAGES = "open images";

    @Override
    protected void execute() {
        ServerSettings settings = ServerSettings.load();
        try (ServerConnection connection = ServerConnection.open(settings)) {
            List<NetworkInfo> networks = connection.call(() -> connection.networks()
                    .listNetworks(ListNetworksRequest.getDefaultInstance())).getNetworksList();
            if (networks.isEmpty())
                throw new UserFacingException("The server offers no network to train: check the server's installation.");
            ModelCatalog catalog = ModelCatalog.fetch(connection);

            // Step 1: what to train, from what.
            String[] keys = new String[networks.size()];
            for (int i = 0; i < keys.length; i++)
                keys[i] = networks.get(i).getKey();
            String[] baseModels = prepend(Defaults.NONE, catalog.labels());
            CommandDialog first = new CommandDialog("ZeroCostDL4Mic Train");
            first.addChoice("network", keys, keys[0]);
            first.addChoice("data", new String[] {FOLDERS, OPEN_IMAGES}, FOLDERS);
            first.addString("model_name", "", 25);
            first.addChoice("base_model (start from its weights)", baseModels, Defaults.NONE);
            first.addCheckbox("run_in_background (follow it with Jobs...)", false);
            if (!first.show())
                return;
            NetworkInfo network = find(networks, first.nextChoice());
            String data = first.nextChoice();
            String modelName = first.nextString();
            String baseModel = first.nextChoice();
            boolean background = first.nextBoolean();

            // Step 2: the data and the network's own parameters.
            DatasetKind kind = network.getDatasetKind();
            CommandDialog second = new CommandDialog("ZeroCostDL4Mic Train " + network.getDisplayName());
            if (!network.getDescription().isEmpty())
                second.addMessage(wrap(network.getDescription(), 70));
            String[] titles = imageTitles();
            boolean folders = !OPEN_IMAGES.equals(data);
            if (folders) {
                second.addFolder("source_folder (" + sourceRole(kind) + ")", "");
                if (kind != DatasetKind.DATASET_KIND_IMAGES)
                    second.addFolder("target_folder (" + targetRole(kind) + ", same file names)", "");
            } else {
                if (titles.length == 0)
                    throw new UserFacingException("There is no open image to train on: open the images, or choose data=folders.");
                second.addChoice("source_image (" + sourceRole(kind) + ")", titles, titles[0]);
                if (kind != DatasetKind.DATASET_KIND_IMAGES)
                    second.addChoice("target_image (" + targetRole(kind) + ")", titles, titles[titles.length > 1 ? 1 : 0]);
            }
            List<ParameterSpec> specs = orderedByGroup(network.getParametersList());
            String group = null;
            for (ParameterSpec spec : specs) {
                if (!spec.getGroup().equals(group)) {
                    group = spec.getGroup();
                    second.addMessage(group.isEmpty() ? "Parameters" : capitalize(group) + " parameters");
                }
                ParameterFields.add(second, spec);
            }
            second.addHelp(ParameterFields.help(network.getDisplayName() + " (" + network.getKey() + ")", specs));
            if (!second.show())
                return;
            List<SampleUploader.Sample> samples = folders ? folderSamples(second, kind) : openImageSamples(second, kind);
            List<ParameterValue> parameters = new ArrayList<>();
            for (ParameterSpec spec : specs)
                parameters.add(ParameterFields.read(second, spec));

            SubmitTrainingRequest.Builder request = SubmitTrainingRequest.newBuilder()
                    .setNetwork(network.getKey())
                    .addAllParameters(parameters)
                    .setModelName(modelName);
            if (!Defaults.NONE.equals(baseModel) && !baseModel.isEmpty())
                request.setBaseModelId(catalog.resolve(baseModel).getId());

            ImageJProgress progress = new ImageJProgress();
            String datasetName = (modelName.isEmpty() ? network.getKey() : modelName) + " training data";
            Dataset dataset = connection.call(() -> connection.datasets().createDataset(CreateDatasetRequest.newBuilder()
                    .setName(datasetName).setKind(kind).build())).getDataset();
            UploadSamplesResponse uploaded = new SampleUploader(connection).upload(dataset.getId(), samples, progress, progress);
            int complete = uploaded.getDataset().getSampleCount();
            log("uploaded " + uploaded.getFilesReceived() + " files to dataset '" + datasetName + "' ("
                    + complete + (complete == 1 ? " complete sample)" : " complete samples)"));
            if (complete == 0)
                throw new UserFacingException("None of the uploaded images forms a complete training sample: "
                        + "source and target files must have the same names.");

            Job job = connection.call(() -> connection.jobs().submitTraining(
                    request.setDatasetId(dataset.getId()).build())).getJob();
            log("training job " + job.getId() + " submitted: " + network.getKey() + " -> model "
                    + (modelName.isEmpty() ? job.getModelId() : "'" + modelName + "' (" + job.getModelId() + ")"));
            if (background) {
                progress.done("Training job " + job.getId() + " submitted");
                return;
            }
            follow(connection, job, network, progress);
        }
    }

    private static void follow(ServerConnection connection, Job job, NetworkInfo network, ImageJProgress progress) {
        String[] failure = {""};
        String[] modelId = {job.getModelId()};
        JobState end = new JobWatcher(connection).watch(job.getId(), progress, (JobEvent event) -> {
            switch (event.getEventCase()) {
                case PROGRESS:
                    progress.update(JobText.progress(network.getKey(), event.getProgress()), JobText.fraction(event.getProgress()));
                    break;
                case EPOCH:
                    log(JobText.epoch(event.getEpoch()));
                    break;
                case MESSAGE:
                    log(event.getMessage());
                    break;
                case RESULT:
                    if (!event.getResult().getModelId().isEmpty())
                        modelId[0] = event.getResult().getModelId();
                    break;
                case FAILURE:
                    failure[0] = event.getFailure();
                    break;
                default:
                    break;
            }
        });
        switch (end) {
            case JOB_STATE_SUCCEEDED:
                progress.done("Training finished: model " + modelId[0]);
                log("training finished: model " + modelId[0] + " is ready (use it in Predict... or Quality Control...)");
                return;
            case JOB_STATE_CANCELLED:
                throw new CancelledByUser("Training");
            case JOB_STATE_FAILED:
                throw new UserFacingException("Training failed: " + (failure[0].isEmpty() ? "see the server's log" : failure[0])
                        + ". Check the data and parameters, then train again.");
            default:
                throw new UserFacingException("The server stopped reporting on training job " + job.getId()
                        + ": check it with Plugins > ZeroCostDL4Mic > Jobs...");
        }
    }

    private static List<SampleUploader.Sample> folderSamples(CommandDialog dialog, DatasetKind kind) {
        File source = ImageFiles.folder(dialog.nextString(), "source_folder");
        File target = kind == DatasetKind.DATASET_KIND_IMAGES ? null : ImageFiles.folder(dialog.nextString(), "target_folder");
        List<SampleUploader.Sample> samples = new ArrayList<>();
        Map<String, Boolean> sourceNames = new LinkedHashMap<>();
        for (File f : ImageFiles.list(source)) {
            samples.add(new SampleUploader.Sample(f.getName(), SampleRole.SAMPLE_ROLE_SOURCE, () -> ImageFiles.open(f)));
            sourceNames.put(f.getName(), Boolean.FALSE);
        }
        if (samples.isEmpty())
            throw new UserFacingException("The folder " + source + " holds no images (.tif, .png, .jpg): choose the training images.");
        if (target != null) {
            for (File f : ImageFiles.list(target)) {
                samples.add(new SampleUploader.Sample(f.getName(), SampleRole.SAMPLE_ROLE_TARGET, () -> ImageFiles.open(f)));
                if (sourceNames.containsKey(f.getName()))
                    sourceNames.put(f.getName(), Boolean.TRUE);
                else
                    log(f.getName() + " in " + target + " has no source image of the same name");
            }
            for (Map.Entry<String, Boolean> e : sourceNames.entrySet())
                if (!e.getValue())
                    log(e.getKey() + " in " + source + " has no target image of the same name");
        }
        return samples;
    }

    private static List<SampleUploader.Sample> openImageSamples(CommandDialog dialog, DatasetKind kind) {
        ImagePlus source = openImage(dialog.nextChoice());
        List<SampleUploader.Sample> samples = new ArrayList<>();
        String name = source.getTitle();
        samples.add(new SampleUploader.Sample(name, SampleRole.SAMPLE_ROLE_SOURCE, () -> source));
        if (kind != DatasetKind.DATASET_KIND_IMAGES) {
            ImagePlus target = openImage(dialog.nextChoice());
            if (target == source)
                throw new UserFacingException("The source and target images are both '" + name + "': choose the ground truth as target_image.");
            samples.add(new SampleUploader.Sample(name, SampleRole.SAMPLE_ROLE_TARGET, () -> target));
        }
        return samples;
    }

    private static ImagePlus openImage(String title) {
        ImagePlus imp = WindowManager.getImage(title);
        if (imp == null)
            throw new UserFacingException("There is no open image called '" + title + "': open it first.");
        return imp;
    }

    private static String[] imageTitles() {
        String[] titles = WindowManager.getImageTitles();
        return titles == null ? new String[0] : titles;
    }

    private static NetworkInfo find(List<NetworkInfo> networks, String key) {
        for (NetworkInfo n : networks)
            if (n.getKey().equals(key))
                return n;
        List<String> keys = new ArrayList<>();
        for (NetworkInfo n : networks)
            keys.add(n.getKey());
        throw new UserFacingException("The server has no network '" + key + "': use one of " + String.join(", ", keys) + ".");
    }

    /** "main" first, then the other groups in the server's order; each group keeps its parameters' order. */
    static List<ParameterSpec> orderedByGroup(List<ParameterSpec> specs) {
        Map<String, List<ParameterSpec>> groups = new LinkedHashMap<>();
        groups.put("main", new ArrayList<>());
        for (ParameterSpec spec : specs)
            groups.computeIfAbsent(spec.getGroup(), g -> new ArrayList<>()).add(spec);
        List<ParameterSpec> ordered = new ArrayList<>();
        for (List<ParameterSpec> group : groups.values())
            ordered.addAll(group);
        return ordered;
    }

    private static String sourceRole(DatasetKind kind) {
        switch (kind) {
            case DATASET_KIND_PAIRED:
                return "input images, e.g. noisy";
            case DATASET_KIND_MASKS:
                return "raw images";
            default:
                return "images";
        }
    }

    private static String targetRole(DatasetKind kind) {
        return kind == DatasetKind.DATASET_KIND_MASKS ? "masks or label images" : "ground truth, e.g. clean";
    }

    /** Line breaks between words so a long description does not stretch the dialog. */
    static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int line = 0;
        for (String word : text.split("\\s+")) {
            if (line > 0 && line + 1 + word.length() > width) {
                out.append('\n');
                line = 0;
            } else if (line > 0) {
                out.append(' ');
                line++;
            }
            out.append(word);
            line += word.length();
        }
        return out.toString();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static String capitalize(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
