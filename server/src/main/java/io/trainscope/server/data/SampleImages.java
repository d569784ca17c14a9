package io.trainscope.server.data;

import static java.util.Objects.requireNonNull;

import io.trainscope.core.StoppedThreads;
import io.trainscope.core.model.ModelInput;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.server.image.PngEncoder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The images of the sample table's splits, as PNG thumbnails: resized on request (never
 * enlarged), encoded by a pool of {@link #WORKERS} threads and cached by sample and size, so
 * a grid that scrolls back costs nothing.
 */
public final class SampleImages implements AutoCloseable {

    static final int WORKERS = 8;
    private static final int CACHE_ENTRIES = 50_000;
    /** WeightsLab's {@code WL_DEFAULT_THUMBNAIL_SIZE} and modal cap. */
    private static final int DEFAULT_HEIGHT = 180;
    private static final int MODAL_HEIGHT = 360;

    /** An encoded image and its size. */
    public record Thumbnail(byte[] png, int width, int height, int channels) {}

    /** Emptied on close: a stopped server's services stay reachable from Armeria's route cache, and so does this. */
    private volatile Map<String, ImageDataset> splits;
    private final Map<String, Thumbnail> cache = new LinkedHashMap<>(4096, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Thumbnail> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };
    private final ExecutorService workers;

    public SampleImages(Map<String, ImageDataset> splits) {
        this.splits = Map.copyOf(splits);
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(WORKERS, task -> {
            Thread t = new Thread(task, "thumbnails-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** No images (a server without training data). */
    public static SampleImages none() {
        return new SampleImages(Map.of());
    }

    public boolean has(String origin) {
        return splits.containsKey(origin);
    }

    /** How many images each split has, by split name (sorted). */
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new TreeMap<>();
        splits.forEach((origin, data) -> sizes.put(origin, data.size()));
        return sizes;
    }

    /** A sample's pixels as the model reads them (channels, height, width), or empty if it has no image. */
    public Optional<ModelInput> input(SampleKey key) {
        requireNonNull(key, "key");
        ImageDataset data = splits.get(key.origin());
        if (data == null || key.sampleId() < 0 || key.sampleId() >= data.size()) {
            return Optional.empty();
        }
        return Optional.of(new ModelInput(data.image((int) key.sampleId()),
                new long[] {data.channels(), data.height(), data.width()}));
    }

    /**
     * Thumbnails of {@code keys} in order, encoded on the pool ({@code Optional.empty()} where a
     * key has no image), sized by WeightsLab's codes: both positive fit that box; both 0 give
     * 180 px high; both negative scale to |width| percent; either at or below -100 is the
     * full image up to 360 px high.
     */
    public CompletableFuture<List<Optional<Thumbnail>>> thumbnails(List<SampleKey> keys, int width, int height) {
        List<CompletableFuture<Optional<Thumbnail>>> parts = new ArrayList<>(keys.size());
        for (SampleKey key : keys) {
            Thumbnail cached = cached(cacheKey(key, width, height));
            parts.add(cached != null ? CompletableFuture.completedFuture(Optional.of(cached))
                    : CompletableFuture.supplyAsync(() -> thumbnail(key, width, height), workers));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(done -> parts.stream().map(CompletableFuture::join).toList());
    }

    /** One thumbnail, encoded on the calling thread (or from the cache). */
    public Optional<Thumbnail> thumbnail(SampleKey key, int width, int height) {
        requireNonNull(key, "key");
        ImageDataset data = splits.get(key.origin());
        if (data == null || key.sampleId() < 0 || key.sampleId() >= data.size()) {
            return Optional.empty();
        }
        String cacheKey = cacheKey(key, width, height);
        Thumbnail cached = cached(cacheKey);
        if (cached != null) {
            return Optional.of(cached);
        }
        int[] size = targetSize(width, height, data.width(), data.height());
        Thumbnail made = encode(data, (int) key.sampleId(), size[0], size[1]);
        synchronized (cache) {
            cache.put(cacheKey, made);
        }
        return Optional.of(made);
    }

    private Thumbnail cached(String key) {
        synchronized (cache) {
            return cache.get(key);
        }
    }

    private static String cacheKey(SampleKey key, int width, int height) {
        return key.origin() + '/' + key.sampleId() + '/' + width + 'x' + height;
    }

    /** The output size for a request, keeping the aspect ratio and never larger than the image. */
    static int[] targetSize(int width, int height, int imageWidth, int imageHeight) {
        double scale;
        if (width <= -100 || height <= -100) {
            scale = (double) MODAL_HEIGHT / imageHeight;
        } else if (width > 0 && height > 0) {
            scale = Math.min((double) width / imageWidth, (double) height / imageHeight);
        } else if (width < 0 && height < 0) {
            scale = -width / 100.0;
        } else {
            scale = (double) DEFAULT_HEIGHT / Math.max(imageWidth, imageHeight);
        }
        scale = Math.min(1.0, scale);
        return new int[] {Math.max(1, (int) Math.round(imageWidth * scale)), Math.max(1, (int) Math.round(imageHeight * scale))};
    }

    /** Box-filter downscale of a channel-major float image to interleaved bytes, then PNG. */
    private static Thumbnail encode(ImageDataset data, int index, int outWidth, int outHeight) {
        int w = data.width();
        int h = data.height();
        int channels = data.channels() >= 3 ? 3 : 1;
        int plane = w * h;
        int offset = index * data.pixelsPerImage();
        float[] px = data.pixels();
        byte[] out = new byte[outWidth * outHeight * channels];
        for (int y = 0; y < outHeight; y++) {
            int y0 = y * h / outHeight;
            int y1 = Math.max(y0 + 1, (y + 1) * h / outHeight);
            for (int x = 0; x < outWidth; x++) {
                int x0 = x * w / outWidth;
                int x1 = Math.max(x0 + 1, (x + 1) * w / outWidth);
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int yy = y0; yy < y1; yy++) {
                        for (int xx = x0; xx < x1; xx++) {
                            sum += px[offset + c * plane + yy * w + xx];
                        }
                    }
                    float mean = sum / ((y1 - y0) * (x1 - x0));
                    out[(y * outWidth + x) * channels + c] = (byte) Math.max(0, Math.min(255, Math.round(mean * 255f)));
                }
            }
        }
        return new Thumbnail(PngEncoder.encode(outWidth, outHeight, channels, out), outWidth, outHeight, channels);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        splits = Map.of();
        synchronized (cache) {
            cache.clear();
        }
        StoppedThreads.await(workers);
    }
}
