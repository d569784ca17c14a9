package io.trainscope.core.live;

/** One image of a batch frame: raw pixels from the training loop, or bytes already encoded. */
public sealed interface FrameImage {

    String sampleId();

    int width();

    int height();

    /**
     * Pixels in [0, 1], channel-major ({@code channels × height × width}), as the model sees them.
     * Encoded to PNG off the training thread, once per sample id.
     */
    record Raw(String sampleId, int width, int height, int channels, float[] pixels) implements FrameImage {
        public Raw {
            if (pixels.length != width * height * channels) {
                throw new IllegalArgumentException("pixels: expected " + width * height * channels + ", got " + pixels.length);
            }
        }
    }

    /** An image already encoded as {@code png} or {@code jpeg}. */
    record Encoded(String sampleId, int width, int height, String format, byte[] bytes) implements FrameImage {}
}
