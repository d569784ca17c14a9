package io.trainscope.core.live;

/** A durable event with its position in the {@link EventLog} (1, 2, 3, ... without gaps). */
public record Sequenced(long sequence, LiveEvent event) {}
