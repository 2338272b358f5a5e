package org.zerocostdl4mic.fiji.client;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import org.zerocostdl4mic.protos.v1.ExportModelRequest;
import org.zerocostdl4mic.protos.v1.FileChunk;

/**
 * Saves a model exported with Models.ExportModel (a bioimage.io zip or an ONNX file) into a folder: the chunks go
 * to a temporary file there, which is renamed to the first chunk's name once the stream has completed, so a failed
 * or cancelled export never leaves a truncated package behind.
 */
public final class ModelExporter {
    private final ServerConnection connection;

    public ModelExporter(ServerConnection connection) {
        this.connection = connection;
    }

    public File export(ExportModelRequest request, File folder, CancelSignal cancel, ProgressListener progress) {
        if (!folder.isDirectory() && !folder.mkdirs())
            throw new UserFacingException("Cannot create the folder " + folder + ": choose a folder you can write to.");
        File part;
        try {
            part = File.createTempFile(".zerocostdl4mic-export-", ".part", folder);
        } catch (IOException e) {
            throw new UserFacingException("Cannot write in " + folder + " (" + e.getMessage() + "): choose a folder you can write to.", e);
        }
        CallStream<ExportModelRequest, FileChunk> call = new CallStream<>(connection.address(), cancel, "Export");
        String name = null;
        boolean done = false;
        try {
            connection.modelsStreaming().exportModel(request, call);
            long written = 0;
            try (OutputStream out = new FileOutputStream(part)) {
                FileChunk chunk;
                while ((chunk = call.next()) != null) {
                    if (name == null && !chunk.getName().isEmpty())
                        name = safeName(chunk.getName());
                    if (chunk.getOffset() != written)
                        throw new UserFacingException("The exported model arrived out of order: try again.");
                    chunk.getData().writeTo(out);
                    written += chunk.getData().size();
                    long total = chunk.getTotalSize();
                    progress.update("Exporting model (" + (written >> 10) + " KiB"
                            + (total > 0 ? " of " + (total >> 10) + " KiB" : "") + ")", total > 0 ? (double) written / total : -1);
                }
                if (name == null)
                    throw new UserFacingException("The server sent no file for the export: see the server's log.");
            } catch (IOException e) {
                call.abandon("cannot write");
                throw new UserFacingException("Cannot write " + part + " (" + e.getMessage() + "): choose a folder you can write to.", e);
            }
            File target = new File(folder, name);
            try {
                Files.move(part.toPath(), target.toPath(), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UserFacingException("Cannot save " + target + " (" + e.getMessage() + "): choose a folder you can write to.", e);
            }
            done = true;
            return target;
        } finally {
            if (!done && part.exists() && !part.delete())
                part.deleteOnExit();
        }
    }

    /** The file name alone: no folders, nothing that would escape the chosen folder. */
    static String safeName(String name) {
        String base = name.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replace(':', '_');
        return base.isEmpty() || base.equals(".") || base.equals("..") ? "model-export" : base;
    }
}
