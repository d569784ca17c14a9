package io.trainscope.server.live;

import com.google.protobuf.ByteString;
import io.trainscope.core.live.FrameImage;
import io.trainscope.proto.v1.ImageData;
import io.trainscope.server.image.PngEncoder;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /** Channel-major floats in [0, 1] to interleaved bytes, then PNG. */
    static byte[] png(FrameImage.Raw raw) {
        int plane = raw.width() * raw.height();
        int channels = raw.channels() >= 3 ? 3 : 1;
        float[] px = raw.pixels();
        int from = raw.offset();
        byte[] samples = new byte[plane * channels];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                samples[i * channels + c] = (byte) toByte(px[from + c * plane + i]);
            }
        }
        return PngEncoder.encode(raw.width(), raw.height(), channels, samples);
    }

    private static int toByte(float value) {
        return Math.max(0, Math.min(255, Math.round(value * 255f)));
    }
}
