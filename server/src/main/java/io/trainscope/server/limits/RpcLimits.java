package io.trainscope.server.limits;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;

/**
 * Seed 000's limits that are time: the deadline of every unary call that brings none of its own
 * (120 s), and how long a call waits for its turn at an operation that runs one at a time
 * (ApplyDataQuery, EditDataSample) before it is refused with ABORTED.
 */
public record RpcLimits(Duration unaryDeadline, Duration turnWait) {

    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(120);
    public static final Duration DEFAULT_TURN_WAIT = Duration.ofSeconds(30);
    public static final String DEADLINE_VARIABLE = "GRPC_DEADLINE_SECONDS";
    public static final String TURN_WAIT_VARIABLE = "GRPC_LOCK_TIMEOUT_SECONDS";

    public RpcLimits {
        requireNonNull(unaryDeadline, "unaryDeadline");
        requireNonNull(turnWait, "turnWait");
        if (unaryDeadline.isNegative() || unaryDeadline.isZero()) {
            throw new IllegalArgumentException("the RPC deadline must be positive, got " + unaryDeadline);
        }
        if (turnWait.isNegative()) {
            throw new IllegalArgumentException("the lock timeout must not be negative, got " + turnWait);
        }
    }

    public static RpcLimits defaults() {
        return new RpcLimits(DEFAULT_DEADLINE, DEFAULT_TURN_WAIT);
    }

    /** From {@code GRPC_DEADLINE_SECONDS} and {@code GRPC_LOCK_TIMEOUT_SECONDS}, defaults where unset. */
    public static RpcLimits fromEnvironment(Map<String, String> env) {
        return new RpcLimits(seconds(env, DEADLINE_VARIABLE, DEFAULT_DEADLINE), seconds(env, TURN_WAIT_VARIABLE,
                DEFAULT_TURN_WAIT));
    }

    public RpcLimits withUnaryDeadline(Duration value) {
        return new RpcLimits(value, turnWait);
    }

    public RpcLimits withTurnWait(Duration value) {
        return new RpcLimits(unaryDeadline, value);
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value.strip()) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + value + "'");
        }
    }
}
