package io.trainscope.server.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trainscope.core.live.FrameImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {

    @Test
    void greyPixelsBecomeAPngThatDecodesToTheSameValues() throws Exception {
        float[] pixels = new float[28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i % 256) / 255f;
        }
        byte[] png = ImageEncoder.png(new FrameImage.Raw("7", 28, 28, 1, pixels));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(decoded.getWidth()).isEqualTo(28);
        assertThat(decoded.getHeight()).isEqualTo(28);
        for (int i = 0; i < pixels.length; i++) {
            assertThat(decoded.getRaster().getSample(i % 28, i / 28, 0)).isEqualTo(i % 256);
        }
    }

    @Test
    void channelMajorRgbBecomesInterleavedRgb() throws Exception {
        int w = 3;
        int h = 2;
        float[] pixels = new float[3 * w * h];
        for (int i = 0; i < w * h; i++) {
            pixels[i] = 1f;               // red plane
            pixels[w * h + i] = 0.5f;     // green plane
            pixels[2 * w * h + i] = 0f;   // blue plane
        }
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(
                ImageEncoder.png(new FrameImage.Raw("rgb", w, h, 3, pixels))));
        assertThat(decoded.getRGB(2, 1) & 0xffffff).isEqualTo(255 << 16 | 128 << 8);
    }

    @Test
    void eachSampleIsEncodedOnceAndThenServedFromTheCache() {
        ImageEncoder encoder = new ImageEncoder(10);
        var first = encoder.encode(new FrameImage.Raw("42", 2, 2, 1, new float[4]));
        var again = encoder.encode(new FrameImage.Raw("42", 2, 2, 1, new float[] {1, 1, 1, 1}));
        assertThat(again).isSameAs(first);
    }

    @Test
    void anImageInsideALargerArrayEncodesAsItsOwnPixels() {
        float[] image = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f};
        float[] dataSet = new float[6 * 3];
        System.arraycopy(image, 0, dataSet, 6, 6);
        java.util.Arrays.fill(dataSet, 0, 6, 1f);
        java.util.Arrays.fill(dataSet, 12, 18, 1f);

        byte[] fromTheDataSet = ImageEncoder.png(new FrameImage.Raw("1", 3, 2, 1, dataSet, 6));

        assertThat(fromTheDataSet).isEqualTo(ImageEncoder.png(new FrameImage.Raw("1", 3, 2, 1, image)));
    }

    @Test
    void anImageThatRunsPastItsArrayIsRefused() {
        assertThatThrownBy(() -> new FrameImage.Raw("1", 3, 2, 1, new float[12], 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit in 12");
        assertThatThrownBy(() -> new FrameImage.Raw("1", 3, 2, 1, new float[12], -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FrameImage.Raw("1", 3, 2, 1, new float[7]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 6, got 7");
    }
}
