package io.trainscope.djl.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A labelled image set held in memory as the model sees it: pixels in [0, 1], channel-major,
 * one image after another. Small enough for the data sets a person trains interactively.
 */
public record ImageDataset(
        String name, int channels, int height, int width, float[] pixels, int[] labels, List<String> classNames) {

    public ImageDataset {
        requireNonNull(name, "name");
        classNames = List.copyOf(classNames);
        if (pixels.length != (long) labels.length * channels * height * width) {
            throw new IllegalArgumentException("pixels do not match " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return channels * height * width;
    }

    /** Copies the images at {@code indices} one after another into {@code into}. */
    public void copyImages(int[] indices, float[] into) {
        int per = pixelsPerImage();
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * per, into, i * per, per);
        }
    }

    /** One image's pixels (a copy). */
    public float[] image(int index) {
        int per = pixelsPerImage();
        float[] out = new float[per];
        System.arraycopy(pixels, index * per, out, 0, per);
        return out;
    }

    public int classCount() {
        return classNames.size();
    }
}
