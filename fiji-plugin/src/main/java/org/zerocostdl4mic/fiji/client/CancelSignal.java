package org.zerocostdl4mic.fiji.client;

/** Asked while waiting on the server: true once the user wants the running call stopped (Esc in ImageJ). */
public interface CancelSignal {
    boolean cancelRequested();

    CancelSignal NEVER = () -> false;
}
