package org.zerocostdl4mic.fiji.client;

/** A failure whose message is one sentence for the user, saying what went wrong and what to do. */
public class UserFacingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserFacingException(String message) {
        super(message);
    }

    public UserFacingException(String message, Throwable cause) {
        super(message, cause);
    }
}
