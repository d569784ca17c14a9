package io.trainscope.core.signals;

/** The signal archive could not read or write its database; the cause says why. */
public final class SignalStorageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SignalStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
