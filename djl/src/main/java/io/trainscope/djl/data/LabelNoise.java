package io.trainscope.djl.data;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Flips a seeded fraction of a data set's labels, each to a different class, and remembers which:
 * the label-noise demo, where a person finds the flipped samples by their loss. The two columns
 * go into the sample table as metadata, so {@code label_flipped == 1} finds them there.
 *
 * <pre>{@code
 * LabelNoise noise = LabelNoise.apply(train, 0.1, options.seed());
 * TrainingSession.start(noise.noisy(), test, noise.metadata(), options, ...);
 * }</pre>
 *
 * @param noisy the data set with the flipped labels (same images)
 * @param cleanLabels each sample's label before flipping
 * @param flipped 1 for each sample whose label was flipped, else 0
 */
public record LabelNoise(ImageDataset noisy, int[] cleanLabels, int[] flipped) {

    /** Metadata column: the label before flipping. */
    public static final String CLEAN_LABEL = "clean_label";
    /** Metadata column: 1 when the label was flipped, else 0. */
    public static final String LABEL_FLIPPED = "label_flipped";

    public LabelNoise {
        requireNonNull(noisy, "noisy");
        requireNonNull(cleanLabels, "cleanLabels");
        requireNonNull(flipped, "flipped");
    }

    /**
     * Flips exactly {@code round(fraction * size)} labels of {@code clean}, chosen and replaced
     * deterministically for {@code seed}; a fraction of 0 gives {@code clean} back unchanged.
     *
     * @throws IllegalArgumentException when {@code fraction} is outside [0, 1), or labels must
     *         flip in a data set of fewer than two classes
     */
    public static LabelNoise apply(ImageDataset clean, double fraction, long seed) {
        requireNonNull(clean, "clean");
        checkFraction(fraction);
        int n = clean.size();
        int count = (int) Math.round(fraction * n);
        int[] cleanLabels = clean.labels().clone();
        int[] flipped = new int[n];
        if (count == 0) {
            return new LabelNoise(clean, cleanLabels, flipped);
        }
        int classes = clean.classCount();
        if (classes < 2) {
            throw new IllegalArgumentException("cannot flip labels among " + classes + " class(es) of " + clean.name());
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] labels = clean.labels().clone();
        for (int i = 0; i < count; i++) { // the first count places of a partial shuffle: count distinct samples
            int j = i + random.nextInt(n - i);
            int sample = order[j];
            order[j] = order[i];
            order[i] = sample;
            labels[sample] = (cleanLabels[sample] + 1 + random.nextInt(classes - 1)) % classes;
            flipped[sample] = 1;
        }
        ImageDataset noisy = new ImageDataset(clean.name() + " (label noise " + fraction + ")", clean.channels(),
                clean.height(), clean.width(), clean.pixels(), labels, clean.classNames());
        return new LabelNoise(noisy, cleanLabels, flipped);
    }

    /** Throws a message a person can act on unless 0 <= {@code fraction} < 1. */
    public static void checkFraction(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("the label-noise fraction must be at least 0 and below 1: " + fraction);
        }
    }

    /** The two metadata columns for the sample table. */
    public Map<String, int[]> metadata() {
        return Map.of(CLEAN_LABEL, cleanLabels, LABEL_FLIPPED, flipped);
    }

    /** How many labels were flipped. */
    public int flippedCount() {
        int count = 0;
        for (int f : flipped) {
            count += f;
        }
        return count;
    }
}
