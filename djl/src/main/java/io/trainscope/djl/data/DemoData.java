package io.trainscope.djl.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Picks the data the demo trains on: Fashion-MNIST from {@code --data} or Debian's package,
 * else the built-in generated shapes, and says plainly which and why.
 */
public final class DemoData {

    /** The chosen splits and a sentence for the person watching. */
    public record Choice(ImageDataset train, ImageDataset test, String explanation) {}

    private DemoData() {}

    public static Choice choose(Optional<Path> dataDir) throws IOException {
        Path dir = dataDir.orElse(FashionMnist.DEBIAN_DIR);
        Optional<FashionMnist.Splits> splits = FashionMnist.load(dir);
        if (splits.isPresent()) {
            return new Choice(splits.get().train(), splits.get().test(), "Fashion-MNIST from " + dir);
        }
        String why = dataDir.isPresent()
                ? "No Fashion-MNIST IDX files in " + dir + "."
                : "Fashion-MNIST is not installed (" + dir + " is missing; install Debian's dataset-fashion-mnist"
                        + " or pass --data DIR).";
        return new Choice(GeneratedShapes.create("generated-shapes/train", 20_000, 1),
                GeneratedShapes.create("generated-shapes/test", 2_000, 2),
                why + " Training on the built-in generated shapes instead.");
    }
}
