package org.zerocostdl4mic.fiji.client;

/** Told what a running call is doing: a status line and, when known, the fraction done (negative if unknown). */
public interface ProgressListener {
    void update(String status, double fraction);

    ProgressListener NONE = (status, fraction) -> {
    };
}
