package io.trainscope.core.control;

/**
 * Work to run on the training thread at a step boundary, where it may read or change the
 * model without racing a step. {@code step} is the number of steps completed so far.
 */
@FunctionalInterface
public interface StepCommand<T> {
    T run(long step) throws Exception;
}
