package io.trainscope.djl.engine;

import java.util.OptionalInt;

/**
 * How many CPU threads PyTorch may use for one operation. By default one core is left to the
 * observatory (the server's event loops, the sample table's writer, image encoding): PyTorch's
 * OpenMP threads otherwise fill every core and spin, and then each message sent to a browser
 * is taken from the training step (docs/BENCHMARKS.md, "overhead").
 *
 * <p>Must be applied before the PyTorch engine loads, which reads DJL's system properties
 * {@code ai.djl.pytorch.num_threads} and {@code ai.djl.pytorch.num_interop_threads} once.
 *
 * <pre>{@code
 * int threads = TorchThreads.apply(OptionalInt.empty()); // before the first Engine call
 * }</pre>
 */
public final class TorchThreads {

    static final String INTRA_OP = "ai.djl.pytorch.num_threads";
    static final String INTER_OP = "ai.djl.pytorch.num_interop_threads";

    private TorchThreads() {}

    /** One core for the observatory, the rest for PyTorch, at least one. */
    public static int defaultCount(int cores) {
        return Math.max(1, cores - 1);
    }

    /**
     * Sets PyTorch's thread counts: {@code requested} when given, else what DJL's system
     * property already says, else {@link #defaultCount} of this machine's cores.
     * Returns the intra-op count in effect.
     */
    public static int apply(OptionalInt requested) {
        if (requested.isPresent() && requested.getAsInt() < 1) {
            throw new IllegalArgumentException("PyTorch needs at least one thread, got " + requested.getAsInt());
        }
        String preset = System.getProperty(INTRA_OP);
        int threads = requested.isPresent() ? requested.getAsInt()
                : preset != null ? parse(preset)
                : defaultCount(Runtime.getRuntime().availableProcessors());
        System.setProperty(INTRA_OP, Integer.toString(threads));
        if (requested.isPresent() || System.getProperty(INTER_OP) == null) {
            System.setProperty(INTER_OP, "1"); // our loop runs one graph at a time: inter-op threads only wait
        }
        return threads;
    }

    private static int parse(String preset) {
        try {
            int threads = Integer.parseInt(preset.trim());
            if (threads >= 1) {
                return threads;
            }
        } catch (NumberFormatException e) {
            // refused below, with the property's name
        }
        throw new IllegalArgumentException(INTRA_OP + " must be a whole number of threads, at least 1; it is '" + preset
                + "' (or use --torch-threads N)");
    }
}
