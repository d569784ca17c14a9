package io.trainscope.core.samples;

import static java.util.Objects.requireNonNull;

/** One sample of one split: the split's name ({@code origin}) and the sample's id in it. */
public record SampleKey(String origin, long sampleId) {

    public SampleKey {
        requireNonNull(origin, "origin");
    }

    @Override
    public String toString() {
        return origin + "/" + sampleId;
    }
}
