package io.trainscope.djl.train;

/**
 * How long and how to train.
 *
 * @param epochs epochs to run before the run is complete
 * @param maxSteps stop (complete) after this many steps; 0 for no limit
 * @param seed seed of the data order and of the model's initial weights
 * @param imagesPerFrame images of each batch shown live (at most 16)
 * @param validate evaluate on the test split at the end of each epoch
 */
public record TrainingOptions(int epochs, long maxSteps, long seed, int imagesPerFrame, boolean validate) {

    public TrainingOptions {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive: " + epochs);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must not be negative: " + maxSteps);
        }
        if (imagesPerFrame < 0 || imagesPerFrame > 16) {
            throw new IllegalArgumentException("imagesPerFrame must be between 0 and 16: " + imagesPerFrame);
        }
    }

    public static TrainingOptions epochs(int epochs) {
        return new TrainingOptions(epochs, 0, 42, 16, true);
    }

    public TrainingOptions withMaxSteps(long steps) {
        return new TrainingOptions(epochs, steps, seed, imagesPerFrame, validate);
    }

    public TrainingOptions withValidation(boolean on) {
        return new TrainingOptions(epochs, maxSteps, seed, imagesPerFrame, on);
    }
}
