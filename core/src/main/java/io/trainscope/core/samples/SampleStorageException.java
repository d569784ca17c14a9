package io.trainscope.core.samples;

/** The sample table could not be read or written; the message says which file and why. */
public final class SampleStorageException extends RuntimeException {

    public SampleStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
