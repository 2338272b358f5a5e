package org.zerocostdl4mic.fiji.client;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.zerocostdl4mic.protos.v1.DownloadModelFileRequest;
import org.zerocostdl4mic.protos.v1.FileChunk;

/** Saves one file of a model folder (QC artefact, history) with Models.DownloadModelFile. */
public final class ModelFileDownloader {
    private final ServerConnection connection;

    public ModelFileDownloader(ServerConnection connection) {
        this.connection = connection;
    }

    public File download(String modelId, String fileName, File target, CancelSignal cancel) {
        File parent = target.getParentFile();
        if (parent != null && !parent.isDirectory() && !parent.mkdirs())
            throw new UserFacingException("Cannot create the folder " + parent + ": choose a folder you can write to.");
        CallStream<DownloadModelFileRequest, FileChunk> call = new CallStream<>(connection.address(), cancel, "Download");
        connection.modelsStreaming().downloadModelFile(
                DownloadModelFileRequest.newBuilder().setModelId(modelId).setFileName(fileName).build(), call);
        long written = 0;
        try (OutputStream out = new FileOutputStream(target)) {
            FileChunk chunk;
            while ((chunk = call.next()) != null) {
                if (chunk.getOffset() != written)
                    throw new UserFacingException("The download of " + fileName + " arrived out of order: try again.");
                chunk.getData().writeTo(out);
                written += chunk.getData().size();
            }
        } catch (IOException e) {
            call.abandon("cannot write");
            throw new UserFacingException("Cannot write " + target + " (" + e.getMessage() + "): choose a folder you can write to.", e);
        }
        return target;
    }
}
