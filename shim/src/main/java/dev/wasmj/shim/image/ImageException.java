package dev.wasmj.shim.image;

/** An image whose Wasm layers cannot be read or run; the message names the image, the blob and the reason. */
public final class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }

    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
