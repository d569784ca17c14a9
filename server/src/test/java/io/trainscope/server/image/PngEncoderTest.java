package io.trainscope.server.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Inflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    @Test
    void aSmallGreyImageIsStoredAndDecodesToTheSamePixels() throws Exception {
        byte[] samples = randomBytes(28 * 28, 1);
        byte[] png = PngEncoder.encode(28, 28, 1, samples);

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        for (int i = 0; i < samples.length; i++) {
            assertThat(decoded.getRaster().getSample(i % 28, i / 28, 0)).isEqualTo(samples[i] & 0xff);
        }
        int raw = 28 * (28 + 1);
        int zlib = 2 + 5 + raw + 4;
        assertThat(png).hasSize(8 + (12 + 13) + (12 + zlib) + 12); // stored: no byte saved, none wasted
    }

    @Test
    void aLargeRgbImageIsDeflatedAndDecodesToTheSamePixels() throws Exception {
        int w = 128;
        int h = 96;
        byte[] samples = new byte[w * h * 3];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (byte) (i / 3 % 200); // compressible, unlike noise
        }
        byte[] png = PngEncoder.encode(w, h, 3, samples);

        assertThat(png.length).isLessThan(samples.length / 2);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int at = (y * w + x) * 3;
                int rgb = (samples[at] & 0xff) << 16 | (samples[at + 1] & 0xff) << 8 | samples[at + 2] & 0xff;
                assertThat(decoded.getRGB(x, y) & 0xffffff).as("pixel %d,%d", x, y).isEqualTo(rgb);
            }
        }
    }

    @Test
    void storedDataLongerThanOneBlockInflatesToTheSameBytes() throws Exception {
        for (int length : new int[] {0, 1, 65_535, 65_536, 200_000}) {
            byte[] data = randomBytes(length, length);
            assertThat(inflate(PngEncoder.stored(data), length)).as("%d bytes", length).isEqualTo(data);
        }
    }

    @Test
    void otherChannelCountsAreRefused() {
        assertThatThrownBy(() -> PngEncoder.encode(2, 2, 4, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels must be 1 or 3");
    }

    private static byte[] inflate(byte[] zlib, int length) throws Exception {
        Inflater inflater = new Inflater();
        inflater.setInput(zlib);
        byte[] out = new byte[length + 16];
        int n = 0;
        while (!inflater.finished()) {
            int read = inflater.inflate(out, n, out.length - n);
            if (read == 0 && !inflater.finished() && (inflater.needsInput() || inflater.needsDictionary())) {
                throw new AssertionError("the zlib stream ended early");
            }
            n += read;
        }
        inflater.end(); // the Adler-32 was checked when the stream finished
        return Arrays.copyOf(out, n);
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
