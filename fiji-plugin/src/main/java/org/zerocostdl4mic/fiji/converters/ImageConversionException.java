package org.zerocostdl4mic.fiji.converters;

/** An image cannot be turned into messages, or messages into an image; the message is a sentence for the user. */
public final class ImageConversionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImageConversionException(String message) {
        super(message);
    }
}
