package org.zerocostdl4mic.fiji.client;

import ij.ImagePlus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.converters.CalibrationConverter;
import org.zerocostdl4mic.fiji.converters.ImageAssembler;
import org.zerocostdl4mic.fiji.converters.ImageEncoder;
import org.zerocostdl4mic.fiji.converters.OutputNames;
import org.zerocostdl4mic.protos.v1.DetectedObjects;
import org.zerocostdl4mic.protos.v1.ImageHeader;
import org.zerocostdl4mic.protos.v1.OutputHeader;
import org.zerocostdl4mic.protos.v1.OutputKind;
import org.zerocostdl4mic.protos.v1.PredictHeader;
import org.zerocostdl4mic.protos.v1.PredictRequest;
import org.zerocostdl4mic.protos.v1.PredictResponse;

/**
 * Runs Inference.Predict for one ImagePlus: the header, the image as chunks (plane by plane, flow-controlled),
 * then reads each output back into an ImagePlus titled {@code <title>_<kind>} with the input's calibration.
 */
public final class Predictor {
    private final ServerConnection connection;

    public Predictor(ServerConnection connection) {
        this.connection = connection;
    }

    /** One result image and what it is. */
    public static final class Output {
        public final OutputKind kind;
        public final ImagePlus image;

        Output(OutputKind kind, ImagePlus image) {
            this.kind = kind;
            this.image = image;
        }
    }

    public List<Output> predict(ImagePlus input, String name, PredictHeader options, CancelSignal cancel,
                                ProgressListener progress) {
        return predict(input, name, options, cancel, progress, null);
    }

    /**
     * As {@link #predict(ImagePlus, String, PredictHeader, CancelSignal, ProgressListener)}, handing the detected
     * objects of instance networks (StarDist), sent after the label image, to {@code objects} (null: ignored).
     */
    public List<Output> predict(ImagePlus input, String name, PredictHeader options, CancelSignal cancel,
                                ProgressListener progress, Consumer<DetectedObjects> objects) {
        ImageHeader header = ImageEncoder.header(input, name); // fails on a wrong pixel type before anything is sent
        CallStream<PredictRequest, PredictResponse> call = new CallStream<>(connection.address(), cancel, "Prediction");
        connection.inference().predict(call);
        try {
            call.send(PredictRequest.newBuilder().setHeader(options).build());
            call.send(PredictRequest.newBuilder().setImage(header).build());
            long total = header.getByteCount();
            long[] sent = {0};
            ImageEncoder.writeChunks(input, Defaults.CHUNK_BYTES, chunk -> {
                call.send(PredictRequest.newBuilder().setChunk(chunk).build());
                sent[0] += chunk.getData().size();
                progress.update("Sending " + name + " (" + percent(sent[0], total) + "%)", 0.5 * sent[0] / Math.max(1, total));
            });
            call.finishSending();
            return receive(call, input, name, progress, objects);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.abandon("interrupted");
            throw new CancelledByUser("Prediction");
        } catch (RuntimeException e) {
            call.abandon("client failed");
            throw e;
        }
    }

    private List<Output> receive(CallStream<PredictRequest, PredictResponse> call, ImagePlus input, String name,
                                 ProgressListener progress, Consumer<DetectedObjects> objects) {
        List<Output> outputs = new ArrayList<>();
        ImageAssembler current = null;
        OutputKind currentKind = null;
        PredictResponse response;
        while ((response = call.next()) != null) {
            switch (response.getPartCase()) {
                case OUTPUT: {
                    if (current != null)
                        throw incomplete(current);
                    OutputHeader output = response.getOutput();
                    current = new ImageAssembler(output.getImage());
                    currentKind = output.getKind();
                    progress.update("Receiving " + OutputNames.kindName(currentKind) + " of " + name, -1);
                    break;
                }
                case CHUNK:
                    if (current == null)
                        throw new UserFacingException("The server sent image bytes before an output header: "
                                + "update the plugin and the server to the same version.");
                    current.append(response.getChunk());
                    break;
                case PROGRESS: {
                    int done = response.getProgress().getTilesDone();
                    int all = response.getProgress().getTilesTotal();
                    if (all > 0)
                        progress.update("Predicting " + name + ": tile " + done + "/" + all, 0.5 + 0.5 * done / all);
                    break;
                }
                case OBJECTS:
                    if (objects != null)
                        objects.accept(response.getObjects());
                    break;
                default:
                    break; // a part this plugin does not know (a newer server): ignored, never a failure
            }
            if (current != null && current.isComplete()) {
                ImagePlus image = current.toImagePlus(OutputNames.resultTitle(input.getTitle(), currentKind));
                image.setCalibration(CalibrationConverter.forResult(input, image.getWidth(), image.getHeight(),
                        current.header().getCalibration()));
                outputs.add(new Output(currentKind, image));
                current = null;
            }
        }
        if (current != null)
            throw incomplete(current);
        return outputs;
    }

    private static UserFacingException incomplete(ImageAssembler assembler) {
        return new UserFacingException("The server stopped sending '" + assembler.header().getName() + "' after "
                + assembler.bytesReceived() + " of " + assembler.header().getByteCount() + " bytes: try again.");
    }

    private static long percent(long part, long total) {
        return total <= 0 ? 100 : 100 * part / total;
    }
}
