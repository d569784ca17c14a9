package io.trainscope.server.watchdog;

import java.time.Instant;

/** An RPC that took longer than the watchdog's threshold. */
public record SlowCall(Instant started, String method, String arguments, long millis, String status) {}
