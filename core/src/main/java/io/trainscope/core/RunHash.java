package io.trainscope.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A short, stable name for a run's curves, derived from what it trains and how. */
final class RunHash {

    private RunHash() {}

    static String of(RunDescription d) {
        String identity = String.join("|", d.modelName(), d.datasetName(), String.valueOf(d.batchSize()),
                String.valueOf(d.learningRate()), d.optimizer(), String.valueOf(d.trainSamples()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
