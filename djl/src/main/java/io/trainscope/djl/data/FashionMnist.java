package io.trainscope.djl.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Fashion-MNIST from its four IDX files, as Debian's {@code dataset-fashion-mnist} installs them. */
public final class FashionMnist {

    /** Where Debian's package puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {}

    /** The train and test splits. */
    public record Splits(ImageDataset train, ImageDataset test) {}

    /** Loads the splits from {@code dir}, or empty when one of the files is not there. */
    public static Optional<Splits> load(Path dir) throws IOException {
        Path trainImages = find(dir, "train-images-idx3-ubyte");
        Path trainLabels = find(dir, "train-labels-idx1-ubyte");
        Path testImages = find(dir, "t10k-images-idx3-ubyte");
        Path testLabels = find(dir, "t10k-labels-idx1-ubyte");
        if (trainImages == null || trainLabels == null || testImages == null || testLabels == null) {
            return Optional.empty();
        }
        return Optional.of(new Splits(read("fashion-mnist/train", trainImages, trainLabels),
                read("fashion-mnist/test", testImages, testLabels)));
    }

    private static ImageDataset read(String name, Path images, Path labels) throws IOException {
        int[] shape = new int[3];
        float[] pixels = IdxFiles.readImages(images, shape);
        int[] y = IdxFiles.readLabels(labels);
        if (y.length != shape[0]) {
            throw new IOException(images + " has " + shape[0] + " images but " + labels + " has " + y.length + " labels");
        }
        return new ImageDataset(name, 1, shape[1], shape[2], pixels, y, CLASS_NAMES);
    }

    private static Path find(Path dir, String base) {
        for (String suffix : new String[] {".gz", ""}) {
            Path p = dir.resolve(base + suffix);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
