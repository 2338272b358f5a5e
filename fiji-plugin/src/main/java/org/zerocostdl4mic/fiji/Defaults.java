package org.zerocostdl4mic.fiji;

/** Every default the plugin uses, in one table. Anything about models, tiling or normalisation is the server's. */
public final class Defaults {
    private Defaults() {
    }

    /** Title of error dialogs and prefix of log lines. */
    public static final String TITLE = "ZeroCostDL4Mic";

    /** The server's own default (Server:Port 5178 on 127.0.0.1, plain HTTP/2). */
    public static final String SERVER_ADDRESS = "http://127.0.0.1:5178";
    public static final int SERVER_PORT = 5178;

    /** ij.Prefs keys (saved in IJ_Prefs.txt when ImageJ quits). */
    public static final String PREF_ADDRESS = "zerocostdl4mic.address";
    public static final String PREF_TOKEN = "zerocostdl4mic.token";

    /** Bytes per ImageChunk: well below the server's 8 MiB message limit. */
    public static final int CHUNK_BYTES = 1 << 20;
    /** Largest message accepted from the server (it streams 1 MiB chunks). */
    public static final int MAX_INBOUND_MESSAGE_BYTES = 16 << 20;

    /** Deadline of single request/response calls (listing, submitting, cancelling). */
    public static final long CALL_DEADLINE_SECONDS = 30;
    /** Deadline of the lists that fill a dialog (models), so an unreachable host does not hold the dialog back long. */
    public static final long LIST_DEADLINE_SECONDS = 10;
    /** Deadline of the connection test in the Server command. */
    public static final long CONNECTION_TEST_SECONDS = 5;
    /** How often waiting loops look at the Esc key. */
    public static final long POLL_MILLIS = 200;

    /** Prediction options: 0 lets the server pick (its default tile, the network's overlap, the QC threshold). */
    public static final int TILE_SIZE = 0;
    public static final int TILE_OVERLAP = 0;
    public static final double THRESHOLD = 0.0;

    /** Folder created beside a batch input folder when no output folder is given. */
    public static final String PREDICTION_FOLDER = "predictions";
    /** Sub-folder of ImageJ's temp folder for downloaded QC artefacts when no folder is given. */
    public static final String QC_FOLDER = "zerocostdl4mic-qc";

    /** Files read from data folders. */
    public static final String[] IMAGE_EXTENSIONS = {".tif", ".tiff", ".png", ".jpg", ".jpeg", ".bmp", ".gif"};
    /** Model files shown as images after quality control. */
    public static final String[] ARTEFACT_EXTENSIONS = {".tif", ".tiff", ".png"};

    /** Choice item meaning "no base model" / "cancel nothing". */
    public static final String NONE = "none";
}
