package io.trainscope.server.live;

import com.google.protobuf.ByteString;
import io.trainscope.core.live.FrameImage;
import io.trainscope.proto.v1.ImageData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns frame images into {@link ImageData}: raw pixels are PNG-encoded once per sample id
 * and cached (a sample is shown many times over a run); encoded images pass through.
 * Runs on stream threads, never on the training thread.
 */
final class ImageEncoder {

    private final Map<String, ImageData> cache;

    ImageEncoder(int capacity) {
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ImageData> eldest) {
                return size() > capacity;
            }
        };
    }

    ImageData encode(FrameImage image) {
        if (image instanceof FrameImage.Encoded e) {
            return ImageData.newBuilder().setData(ByteString.copyFrom(e.bytes())).setFormat(e.format())
                    .setWidth(e.width()).setHeight(e.height()).setSampleId(e.sampleId()).build();
        }
        FrameImage.Raw raw = (FrameImage.Raw) image;
        synchronized (cache) {
            ImageData cached = cache.get(raw.sampleId());
            if (cached != null) {
                return cached;
            }
        }
        ImageData encoded = ImageData.newBuilder().setData(ByteString.copyFrom(png(raw))).setFormat("png")
                .setWidth(raw.width()).setHeight(raw.height()).setSampleId(raw.sampleId()).build();
        synchronized (cache) {
            cache.put(raw.sampleId(), encoded);
        }
        return encoded;
    }

    private static byte[] png(FrameImage.Raw raw) {
        int w = raw.width();
        int h = raw.height();
        int plane = w * h;
        float[] px = raw.pixels();
        BufferedImage image;
        if (raw.channels() == 1) {
            image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            byte[] grey = new byte[plane];
            for (int i = 0; i < plane; i++) {
                grey[i] = (byte) toByte(px[i]);
            }
            image.getRaster().setDataElements(0, 0, w, h, grey);
        } else {
            image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] rgb = new int[plane];
            for (int i = 0; i < plane; i++) {
                rgb[i] = toByte(px[i]) << 16 | toByte(px[plane + i]) << 8 | toByte(px[2 * plane + i]);
            }
            image.setRGB(0, 0, w, h, rgb, 0, w);
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(512);
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int toByte(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255f)));
    }
}
