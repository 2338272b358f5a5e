package org.zerocostdl4mic.fiji.client;

/** The user pressed Esc (or the macro was aborted) while a call was running; the call has been cancelled. */
public final class CancelledByUser extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CancelledByUser(String what) {
        super(what + " cancelled.");
    }
}
