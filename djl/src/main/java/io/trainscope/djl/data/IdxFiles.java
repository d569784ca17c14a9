package io.trainscope.djl.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Reads the IDX format of MNIST and Fashion-MNIST (gzipped or not). */
final class IdxFiles {

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private IdxFiles() {}

    /** Images as floats in [0, 1]; {@code shape} receives {count, rows, cols}. */
    static float[] readImages(Path file, int[] shape) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) {
                throw new IOException(file + " is not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] raw = in.readNBytes(count * rows * cols);
            if (raw.length != count * rows * cols) {
                throw new IOException(file + " is truncated");
            }
            float[] pixels = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                pixels[i] = (raw[i] & 0xff) / 255f;
            }
            shape[0] = count;
            shape[1] = rows;
            shape[2] = cols;
            return pixels;
        }
    }

    static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) {
                throw new IOException(file + " is not an IDX label file (magic " + Integer.toHexString(magic) + ")");
            }
            int count = in.readInt();
            byte[] raw = in.readNBytes(count);
            if (raw.length != count) {
                throw new IOException(file + " is truncated");
            }
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
    }
}
