package io.trainscope.djl.train;

/**
 * How long and how to train.
 *
 * @param epochs epochs to run before the run is complete
 * @param maxSteps stop (complete) after this many steps; 0 for no limit
 * @param seed seed of the data order and of the model's initial weights
 * @param imagesPerFrame images of each batch shown live (at most 16)
 * @param validate evaluate on the test split at the end of each epoch
 * @param maxFramesPerSecond batch frames per second at most (a display's rate); 0 for every step
 */
public record TrainingOptions(int epochs, long maxSteps, long seed, int imagesPerFrame, boolean validate,
        int maxFramesPerSecond) {

    public TrainingOptions {
        if (epochs <= 0) {
            throw new IllegalArgumentException("epochs must be positive: " + epochs);
        }
        if (maxSteps < 0) {
            throw new IllegalArgumentException("maxSteps must not be negative: " + maxSteps);
        }
        if (maxFramesPerSecond < 0) {
            throw new IllegalArgumentException("maxFramesPerSecond must not be negative: " + maxFramesPerSecond);
        }
        if (imagesPerFrame < 0 || imagesPerFrame > 16) {
            throw new IllegalArgumentException("imagesPerFrame must be between 0 and 16: " + imagesPerFrame);
        }
    }

    public static TrainingOptions epochs(int epochs) {
        return new TrainingOptions(epochs, 0, 42, 16, true, 60);
    }

    public TrainingOptions withMaxSteps(long steps) {
        return new TrainingOptions(epochs, steps, seed, imagesPerFrame, validate, maxFramesPerSecond);
    }

    public TrainingOptions withMaxFramesPerSecond(int fps) {
        return new TrainingOptions(epochs, maxSteps, seed, imagesPerFrame, validate, fps);
    }

    public TrainingOptions withValidation(boolean on) {
        return new TrainingOptions(epochs, maxSteps, seed, imagesPerFrame, on, maxFramesPerSecond);
    }
}
