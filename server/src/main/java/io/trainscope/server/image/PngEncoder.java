package io.trainscope.server.image;

import java.util.Arrays;
import java.util.zip.Adler32;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal, fast PNG writer for 8-bit grey or RGB images. ImageIO's writer costs about ten
 * times more per small image, and the live stream encodes up to 16 images a step on the same
 * cores that train.
 *
 * <p>Small images are stored, not deflated: a few KB more per frame costs less than deflating.
 * Their zlib stream is written here directly (stored blocks and an Adler-32), because even a
 * reused {@link Deflater} clears its 64 KB hash table on every reset, which cost more than the
 * rest of the image.
 */
public final class PngEncoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte GREY = 0;
    private static final byte RGB = 2;
    private static final int CHUNK_OVERHEAD = 12; // length, type, CRC
    private static final int HEADER_BYTES = 13;
    /** The largest stored deflate block. */
    private static final int MAX_STORED_BLOCK = 65_535;

    /** Images up to this many bytes are stored uncompressed. */
    private static final int STORE_BELOW_BYTES = 16 * 1024;
    /** zlib state is large to set up; each thread that deflates keeps one. */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(Deflater.BEST_SPEED));

    private PngEncoder() {}

    /** {@code channels} is 1 (grey) or 3 (RGB); {@code samples} is row-major, interleaved. */
    public static byte[] encode(int width, int height, int channels, byte[] samples) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        int stride = width * channels;
        byte[] raw = new byte[height * (stride + 1)]; // filter byte 0 ("none") before each row
        for (int y = 0; y < height; y++) {
            System.arraycopy(samples, y * stride, raw, y * (stride + 1) + 1, stride);
        }
        byte[] zlib = raw.length < STORE_BELOW_BYTES ? stored(raw) : deflated(raw);

        byte[] png = new byte[SIGNATURE.length + 3 * CHUNK_OVERHEAD + HEADER_BYTES + zlib.length];
        System.arraycopy(SIGNATURE, 0, png, 0, SIGNATURE.length);
        int at = SIGNATURE.length;
        byte[] header = new byte[HEADER_BYTES];
        putInt(header, 0, width);
        putInt(header, 4, height);
        header[8] = 8; // bits per sample
        header[9] = channels == 1 ? GREY : RGB;
        at = chunk(png, at, "IHDR", header);
        at = chunk(png, at, "IDAT", zlib);
        chunk(png, at, "IEND", new byte[0]);
        return png;
    }

    /** A zlib stream of stored blocks: header, blocks of up to 65,535 bytes, Adler-32. */
    static byte[] stored(byte[] data) {
        int blocks = Math.max(1, (data.length + MAX_STORED_BLOCK - 1) / MAX_STORED_BLOCK);
        byte[] out = new byte[2 + blocks * 5 + data.length + 4];
        out[0] = 0x78; // deflate, 32 KB window
        out[1] = 0x01; // no dictionary, fastest; (0x78 << 8 | 0x01) % 31 == 0
        int at = 2;
        for (int block = 0, from = 0; block < blocks; block++) {
            int length = Math.min(MAX_STORED_BLOCK, data.length - from);
            out[at] = (byte) (block == blocks - 1 ? 1 : 0); // BFINAL, BTYPE 00 (stored)
            out[at + 1] = (byte) length;
            out[at + 2] = (byte) (length >>> 8);
            out[at + 3] = (byte) ~length;
            out[at + 4] = (byte) (~length >>> 8);
            System.arraycopy(data, from, out, at + 5, length);
            at += 5 + length;
            from += length;
        }
        Adler32 adler = new Adler32();
        adler.update(data);
        putInt(out, at, (int) adler.getValue());
        return out;
    }

    private static byte[] deflated(byte[] raw) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        deflater.setInput(raw);
        deflater.finish();
        byte[] buffer = new byte[raw.length + 64];
        int length = 0;
        while (!deflater.finished()) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            length += deflater.deflate(buffer, length, buffer.length - length);
        }
        return Arrays.copyOf(buffer, length);
    }

    /** Writes a chunk at {@code at}; returns where the next one starts. */
    private static int chunk(byte[] png, int at, String type, byte[] data) {
        putInt(png, at, data.length);
        for (int i = 0; i < 4; i++) {
            png[at + 4 + i] = (byte) type.charAt(i);
        }
        System.arraycopy(data, 0, png, at + 8, data.length);
        CRC32 crc = new CRC32();
        crc.update(png, at + 4, 4 + data.length);
        putInt(png, at + 8 + data.length, (int) crc.getValue());
        return at + CHUNK_OVERHEAD + data.length;
    }

    private static void putInt(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }
}
