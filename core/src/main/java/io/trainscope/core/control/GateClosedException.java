package io.trainscope.core.control;

/**
 * Why a {@link StepCommand} was not run: the training thread has shut down (training failed, or
 * the process is closing) and serves no more commands. The model it leaves behind is not read.
 */
public final class GateClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public GateClosedException() {
        super("the training thread has shut down");
    }
}
