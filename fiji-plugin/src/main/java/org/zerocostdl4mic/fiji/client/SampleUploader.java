package org.zerocostdl4mic.fiji.client;

import ij.ImagePlus;
import java.util.List;
import java.util.function.Supplier;
import org.zerocostdl4mic.fiji.Defaults;
import org.zerocostdl4mic.fiji.converters.ImageEncoder;
import org.zerocostdl4mic.protos.v1.ImageHeader;
import org.zerocostdl4mic.protos.v1.SampleHeader;
import org.zerocostdl4mic.protos.v1.SampleRole;
import org.zerocostdl4mic.protos.v1.UploadSamplesRequest;
import org.zerocostdl4mic.protos.v1.UploadSamplesResponse;

/** Streams images into a dataset with Datasets.UploadSamples, opening one image at a time. */
public final class SampleUploader {
    private final ServerConnection connection;

    public SampleUploader(ServerConnection connection) {
        this.connection = connection;
    }

    /** One file of a sample: its name (pairs share it), its role, and how to open it when its turn comes. */
    public static final class Sample {
        final String name;
        final SampleRole role;
        final Supplier<ImagePlus> opener;

        public Sample(String name, SampleRole role, Supplier<ImagePlus> opener) {
            this.name = name;
            this.role = role;
            this.opener = opener;
        }
    }

    public UploadSamplesResponse upload(String datasetId, List<Sample> samples, CancelSignal cancel, ProgressListener progress) {
        CallStream<UploadSamplesRequest, UploadSamplesResponse> call =
                new CallStream<>(connection.address(), cancel, "Upload");
        connection.datasetsStreaming().uploadSamples(call);
        try {
            call.send(UploadSamplesRequest.newBuilder().setDatasetId(datasetId).build());
            int index = 0;
            for (Sample sample : samples) {
                index++;
                progress.update("Uploading " + index + "/" + samples.size() + ": " + sample.name, (double) (index - 1) / samples.size());
                ImagePlus image = sample.opener.get();
                ImageHeader header = ImageEncoder.header(image, sample.name);
                call.send(UploadSamplesRequest.newBuilder()
                        .setSample(SampleHeader.newBuilder().setRole(sample.role).setImage(header))
                        .build());
                ImageEncoder.writeChunks(image, Defaults.CHUNK_BYTES,
                        chunk -> call.send(UploadSamplesRequest.newBuilder().setChunk(chunk).build()));
            }
            call.finishSending();
            UploadSamplesResponse response = call.next();
            if (response == null)
                throw new UserFacingException("The server ended the upload without an answer: try again.");
            progress.update("Uploaded " + samples.size() + " files", 1.0);
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.abandon("interrupted");
            throw new CancelledByUser("Upload");
        } catch (RuntimeException e) {
            call.abandon("client failed");
            throw e;
        }
    }
}
