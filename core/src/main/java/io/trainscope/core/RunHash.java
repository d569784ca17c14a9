package io.trainscope.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A run's 24-character name, as WeightsLab forms it: 8 hex digits of its hyperparameters, 8 of
 * its model and 8 of its data. A branch started by restoring a checkpoint keeps the first two
 * and gets new data digits from where it branched, so its curves never mix with its parent's.
 */
final class RunHash {

    private RunHash() {}

    static String of(RunDescription d) {
        return digest(d.batchSize() + "|" + d.learningRate() + "|" + d.optimizer() + "|" + d.totalEpochs())
                + digest(d.modelName() + "|" + d.classNames())
                + digest(d.datasetName() + "|" + d.trainSamples());
    }

    /** The hash of the branch that starts at {@code step} of the run {@code parent} (the {@code n}th such branch). */
    static String branch(String parent, long step, int n) {
        return parent.substring(0, 16) + digest(parent + "@" + step + "#" + n);
    }

    private static String digest(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
