package io.trainscope.core.live;

/** One image of a batch frame: raw pixels from the training loop, or bytes already encoded. */
public sealed interface FrameImage {

    String sampleId();

    int width();

    int height();

    /**
     * Pixels in [0, 1], channel-major ({@code channels × height × width}), as the model sees them:
     * {@code pixels[offset, offset + channels × height × width)}. The array is read, never
     * written, and may be the whole data set's (it must not change afterwards): a frame then
     * costs the training thread no copy. Encoded to PNG off the training thread, once per sample id.
     */
    record Raw(String sampleId, int width, int height, int channels, float[] pixels, int offset) implements FrameImage {
        public Raw {
            long end = (long) offset + (long) width * height * channels;
            if (offset < 0 || end > pixels.length) {
                throw new IllegalArgumentException("pixels: " + width * height * channels + " from offset " + offset
                        + " do not fit in " + pixels.length);
            }
        }

        /** An image that is the whole of {@code pixels}. */
        public Raw(String sampleId, int width, int height, int channels, float[] pixels) {
            this(sampleId, width, height, channels, requireLength(pixels, width * height * channels), 0);
        }

        private static float[] requireLength(float[] pixels, int expected) {
            if (pixels.length != expected) {
                throw new IllegalArgumentException("pixels: expected " + expected + ", got " + pixels.length);
            }
            return pixels;
        }
    }

    /** An image already encoded as {@code png} or {@code jpeg}. */
    record Encoded(String sampleId, int width, int height, String format, byte[] bytes) implements FrameImage {}
}
