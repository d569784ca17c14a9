package io.trainscope.bench;

import io.trainscope.core.samples.BatchStats;
import io.trainscope.core.samples.SampleEdit;
import io.trainscope.core.samples.SampleKey;
import io.trainscope.core.samples.SampleRecord;
import io.trainscope.core.samples.SampleStore;
import io.trainscope.core.samples.Split;
import io.trainscope.djl.data.DemoData;
import io.trainscope.djl.data.ImageDataset;
import io.trainscope.server.data.SampleImages;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The data plane of issue 4, in-process (server time: no network, no protobuf): direct queries
 * and the first page on a large sample table, thumbnails cold and warm, and edits of many samples
 * until they are committed.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Sample table: filter + sort, first page, thumbnails cold and warm, edits of 10,000 ids.")
final class DataBenchmark implements Callable<Integer> {

    private static final String FOCUSED = "loss > 2 and label == 3 sortby loss desc";

    @Option(names = "--rows", defaultValue = "1000000", description = "Samples in the table (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--repeats", defaultValue = "20", description = "Measured runs per figure (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured runs before them (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", defaultValue = "10000",
            description = "Samples per recorded batch when filling the statistics (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--edit-size", defaultValue = "10000", description = "Samples per edit (default: ${DEFAULT-VALUE}).")
    int editSize;

    @Option(names = "--thumbnails", defaultValue = "64", description = "Thumbnails per request (default: ${DEFAULT-VALUE}).")
    int thumbnailCount;

    @Option(names = "--data", description = "Fashion-MNIST IDX directory for the images (default: Debian's, else generated shapes).")
    Optional<Path> dataDir;

    private final SplittableRandom random = new SplittableRandom(42);

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("trainscope-data-bench");
        try {
            System.out.println("| measurement | p50 | p95 | max | CPU per run | target | | how |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            DemoData.Choice data = DemoData.choose(dataDir);
            ImageDataset images = data.train();
            System.err.println("Images: " + data.explanation());
            thumbnails(images);
            try (SampleStore store = createTable(dir.resolve("experiment.duckdb"))) {
                queries(store);
                pageWithImages(store, images);
                edits(store);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** A fresh run file with {@code rows} samples of one split, each with statistics from one recorded step. */
    private SampleStore createTable(Path file) {
        int[] labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = i % 10;
        }
        long start = System.nanoTime();
        SampleStore store = SampleStore.open(file, List.of(Split.of("train", labels)));
        double openMs = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        for (int first = 0, step = 0; first < rows; first += batch, step++) {
            store.record(batchStats(step, first, Math.min(batch, rows - first), labels));
        }
        store.flush().join();
        double statsMs = (System.nanoTime() - start) / 1e6;
        line("create the table: open + register " + count(rows) + " rows", ms(openMs),
                "SampleStore.open(file, [Split train, labels i % 10]) on a new file; one run");
        line("record statistics for every row + flush", ms(statsMs), String.format("record(BatchStats) in batches of %,d "
                + "(losses log-normal, median 0.6, ~12 %% above 2), then flush().join(); one run", batch));
        return store;
    }

    /** Statistics as a classifier's step produces them: most losses small, a long tail of hard samples. */
    private BatchStats batchStats(long step, int first, int size, int[] labels) {
        int[] ids = new int[size];
        int[] predictions = new int[size];
        float[] confidences = new float[size];
        float[] losses = new float[size];
        for (int i = 0; i < size; i++) {
            int id = first + i;
            ids[i] = id;
            losses[i] = (float) Math.exp(gaussian() - 0.5);
            confidences[i] = (float) Math.exp(-losses[i]);
            predictions[i] = random.nextDouble() < confidences[i] ? labels[id] : random.nextInt(10);
        }
        return new BatchStats("train", step, ids, predictions, confidences, losses);
    }

    private double gaussian() {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private void queries(SampleStore store) {
        var views = store.views();
        for (String text : List.of(FOCUSED, "sortby loss desc", "label == 3")) {
            String client = "bench-" + text.hashCode();
            double[] queryMs = new double[repeats];
            double[] pageMs = new double[repeats];
            double[] bothMs = new double[repeats];
            double[] bothCpuMs = new double[repeats];
            long kept = 0;
            for (int r = -warmup; r < repeats; r++) {
                views.reset(client);
                long cpu = cpuNanos();
                long start = System.nanoTime();
                kept = views.query(client, text, false).all();
                long queried = System.nanoTime();
                List<SampleRecord> page = views.page(client, 0, 64);
                long paged = System.nanoTime();
                if (page.size() != Math.min(64, kept)) {
                    throw new IllegalStateException("the first page has " + page.size() + " rows of " + kept);
                }
                if (r >= 0) {
                    queryMs[r] = (queried - start) / 1e6;
                    pageMs[r] = (paged - queried) / 1e6;
                    bothMs[r] = (paged - start) / 1e6;
                    bothCpuMs[r] = (cpuNanos() - cpu) / 1e6;
                }
            }
            String rowsKept = String.format("%,d of %,d rows kept", kept, rows);
            row("`" + text + "`: query + first page", bothMs, bothCpuMs, 100, "views().query(client, text, false) then page(client, 0, 64); "
                    + rowsKept + "; reset(client) before each run, untimed");
            row("… of which query", queryMs, null, 0, "parse, catalog, CREATE TEMP TABLE of the view, its counts");
            row("… of which first page", pageMs, null, 0, "64 SampleRecords");
        }
        String client = "bench-deep";
        views.query(client, "sortby loss desc", false);
        double[] deepMs = time(() -> views.page(client, rows / 2 + random.nextInt(rows / 4), 64));
        row("page of 64 in the middle of the whole table sorted", deepMs, null, 0, "page(client, ~" + count(rows / 2) + ", 64)"
                + " after `sortby loss desc`, a different page each run");
    }

    /**
     * What GetDataSamples does for a grid of the focused view, without protobuf: a page, then the
     * thumbnails of its rows. The table's 1M ids have no images; each id takes the image at id modulo
     * the image split's size, and each run reads a page not read before, so its thumbnails are cold.
     */
    private void pageWithImages(SampleStore store, ImageDataset images) {
        var views = store.views();
        String client = "bench-grid";
        long kept = views.query(client, FOCUSED, false).all();
        double[] ms = new double[repeats];
        double[] cpuMs = new double[repeats];
        try (SampleImages thumbnails = new SampleImages(Map.of(images.name(), images))) {
            for (int r = -warmup; r < repeats; r++) {
                long cpu = cpuNanos();
                long start = System.nanoTime();
                long first = (long) (r + warmup) * thumbnailCount % Math.max(1, kept);
                List<SampleKey> keys = views.page(client, first, thumbnailCount).stream()
                        .map(row -> new SampleKey(images.name(), row.key().sampleId() % images.size())).toList();
                thumbnails.thumbnails(keys, 32, 32).join();
                if (r >= 0) {
                    ms[r] = (System.nanoTime() - start) / 1e6;
                    cpuMs[r] = (cpuNanos() - cpu) / 1e6;
                }
            }
        }
        row("page of 64 + their thumbnails, cold", ms, cpuMs, 150, "GetDataSamples's work without protobuf: page(client, start, 64) of `"
                + FOCUSED + "`, a new page each run, then thumbnails(keys, 32, 32) of its rows (id mod "
                + String.format("%,d", images.size()) + " into the image split)");
    }

    private void edits(SampleStore store) {
        int[] order = permutation(rows);
        int[] next = {0};
        double[][] discard = editRuns(store, order, next, SampleEdit.SetDiscarded::new);
        row(String.format("discard %,d ids", editSize), discard[0], discard[2], 100, "edit(SetDiscarded(keys, true)).join(): "
                + "the future completes after the COMMIT; random ids spread over the table, new ones each run");
        row(String.format("restore %,d ids", editSize), discard[1], discard[3], 100, "edit(SetDiscarded(same keys, false)).join()");
        long start = System.nanoTime();
        store.edit(new SampleEdit.SetTag(keys(order, next), "bench", true)).join();
        line(String.format("first tag edit, %,d ids (adds the column)", editSize), ms((System.nanoTime() - start) / 1e6),
                "ALTER TABLE samples ADD COLUMN \"tag:bench\" BOOLEAN DEFAULT false, then the update; one run");
        double[][] tag = editRuns(store, order, next, (keys, on) -> new SampleEdit.SetTag(keys, "bench", on));
        row(String.format("tag %,d ids", editSize), tag[0], tag[2], 100, "edit(SetTag(keys, \"bench\", true)).join(), new ids each run");
        row(String.format("untag %,d ids", editSize), tag[1], tag[3], 100, "edit(SetTag(same keys, \"bench\", false)).join()");
    }

    /** Runs edits on then off on fresh keys each run; returns wall times of the "on" and "off" edits, then their CPU. */
    private double[][] editRuns(SampleStore store, int[] order, int[] next,
            BiFunction<List<SampleKey>, Boolean, SampleEdit> edit) {
        double[][] ms = new double[4][repeats];
        for (int r = -warmup; r < repeats; r++) {
            List<SampleKey> keys = keys(order, next);
            for (int side = 0; side < 2; side++) {
                SampleEdit change = edit.apply(keys, side == 0);
                long cpu = cpuNanos();
                long start = System.nanoTime();
                SampleEdit.Result result = store.edit(change).join();
                double took = (System.nanoTime() - start) / 1e6;
                double cpuMs = (cpuNanos() - cpu) / 1e6;
                if (result.samples() != keys.size()) {
                    throw new IllegalStateException("an edit touched " + result.samples() + " samples of " + keys.size());
                }
                if (r == -warmup && change instanceof SampleEdit.SetDiscarded) {
                    long discarded = store.views().counts("bench-check").discarded();
                    if (discarded != (side == 0 ? keys.size() : 0)) {
                        throw new IllegalStateException(discarded + " samples are discarded after " + change.getClass().getSimpleName());
                    }
                }
                if (r >= 0) {
                    ms[side][r] = took;
                    ms[2 + side][r] = cpuMs;
                }
            }
        }
        return ms;
    }

    private List<SampleKey> keys(int[] order, int[] next) {
        List<SampleKey> keys = new ArrayList<>(editSize);
        for (int i = 0; i < editSize; i++) {
            keys.add(new SampleKey("train", order[next[0]++ % order.length]));
        }
        return keys;
    }

    /** Thumbnails on a new {@link SampleImages}: its first request, then cold and warm requests of 64. */
    private void thumbnails(ImageDataset images) {
        String origin = images.name();
        int[] order = permutation(images.size());
        int[] next = {0};
        int size = 32;
        try (SampleImages thumbnails = new SampleImages(Map.of(origin, images))) {
            List<SampleKey> first = imageKeys(origin, order, next);
            long start = System.nanoTime();
            thumbnails.thumbnails(first, size, size).join();
            double firstMs = (System.nanoTime() - start) / 1e6;
            double[] cold = new double[repeats];
            double[] warm = new double[repeats];
            double[] coldCpu = new double[repeats];
            for (int r = -warmup * 5; r < repeats; r++) {
                List<SampleKey> keys = imageKeys(origin, order, next);
                long cpu = cpuNanos();
                start = System.nanoTime();
                List<Optional<SampleImages.Thumbnail>> made = thumbnails.thumbnails(keys, size, size).join();
                long coldDone = System.nanoTime();
                long coldCpuDone = cpuNanos();
                thumbnails.thumbnails(keys, size, size).join();
                long warmDone = System.nanoTime();
                if (made.stream().anyMatch(Optional::isEmpty)) {
                    throw new IllegalStateException("a thumbnail is missing");
                }
                if (r >= 0) {
                    cold[r] = (coldDone - start) / 1e6;
                    warm[r] = (warmDone - coldDone) / 1e6;
                    coldCpu[r] = (coldCpuDone - cpu) / 1e6;
                }
            }
            String what = String.format("%d thumbnails %dx%d of %s (%dx%d)", thumbnailCount, size, size, origin,
                    images.width(), images.height());
            line(what + ", first request in the JVM", ms(firstMs),
                    "thumbnails(keys, 32, 32).join() on a new SampleImages, encoder not yet compiled; one run");
            row(what + ", cold", cold, coldCpu, 150, "keys never requested before, random over the split; "
                    + SampleImages.class.getSimpleName() + " pool and encoder warm");
            row(what + ", warm", warm, null, 30, "the same keys again: all from the cache");
        }
    }

    private List<SampleKey> imageKeys(String origin, int[] order, int[] next) {
        List<SampleKey> keys = new ArrayList<>(thumbnailCount);
        for (int i = 0; i < thumbnailCount; i++) {
            keys.add(new SampleKey(origin, order[next[0]++ % order.length]));
        }
        return keys;
    }

    private int[] permutation(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private double[] time(Runnable work) {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        double[] ms = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            work.run();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        return ms;
    }

    /**
     * A row with its percentiles, the mean CPU time of the whole process per run when measured
     * ({@code cpuMs} may be null), and, when {@code targetMs} is positive, whether the p95 meets it.
     */
    private static void row(String what, double[] ms, double[] cpuMs, double targetMs, String how) {
        Percentiles p = Percentiles.of(ms);
        String target = targetMs > 0 ? String.format("≤ %.0f ms", targetMs) : "";
        String verdict = targetMs <= 0 ? "" : p.p95() <= targetMs ? "met" : p.p50() <= targetMs ? "**NOT MET** (p50 met)" : "**NOT MET**";
        String cpu = cpuMs == null ? "" : ms(Arrays.stream(cpuMs).average().orElse(Double.NaN));
        System.out.printf("| %s | %s | %s | %s | %s | %s | %s | %s; %d runs |%n", what, ms(p.p50()), ms(p.p95()), ms(p.max()),
                cpu, target, verdict, how, ms.length);
    }

    private static void line(String what, String figure, String how) {
        System.out.printf("| %s | %s | | | | | | %s |%n", what, figure, how);
    }

    /** CPU time of the whole process (every thread, DuckDB's included); on Linux it advances in 10 ms ticks. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String ms(double ms) {
        if (ms < 1) {
            return String.format("%.0f µs", ms * 1000);
        }
        return ms >= 100 ? String.format("%.0f ms", ms) : ms >= 10 ? String.format("%.1f ms", ms) : String.format("%.2f ms", ms);
    }

    private static String count(long n) {
        return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : String.format("%,d", n);
    }
}
