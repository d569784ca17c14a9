package io.trainscope.core.signals;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each polling client stands in the append log, so every client sees every point once,
 * instead of one shared queue that the first poller drains for all. Cursors of clients idle
 * longer than the timeout are forgotten; such a client starts again from the first point.
 */
final class ClientCursors {

    /** Reads up to {@code limit} points after sequence number {@code after}. */
    interface Source {
        List<SignalPoint> pointsAfter(long after, int limit);
    }

    private final Map<String, Cursor> byClient = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long idleMillis;

    ClientCursors(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleMillis = idleTimeout.toMillis();
    }

    List<SignalPoint> read(String clientId, int limit, Source source) {
        long now = clock.millis();
        byClient.values().removeIf(cursor -> now - cursor.lastUsedMillis > idleMillis);
        Cursor cursor = byClient.computeIfAbsent(clientId, id -> new Cursor(now));
        synchronized (cursor) {
            List<SignalPoint> points = source.pointsAfter(cursor.position, limit);
            cursor.position += points.size();
            cursor.lastUsedMillis = now;
            return points;
        }
    }

    int count() {
        return byClient.size();
    }

    private static final class Cursor {
        long position;
        volatile long lastUsedMillis;

        Cursor(long now) {
            lastUsedMillis = now;
        }
    }
}
