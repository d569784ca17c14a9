package io.trainscope.app.fuzz;

import java.util.List;
import java.util.Random;

/**
 * Values a careless or hostile client sends: odd strings (unicode, SQL, control characters, very
 * long), extreme and negative numbers, non-finite floats, and words of the query language.
 */
final class OddValues {

    private OddValues() {}

    private static final List<String> STRINGS = List.of("", " ", "a", "0", "-1", "NaN", "1e309", "-0",
            "9223372036854775808", "\u0000", "\u0000abc", "tab\there", "line\nbreak\r\n", "\u001b[31mred\u001b[0m",
            "\u0007\u0008\u007f", "é", "日本語のタグ", "مرحبا", "\u202Eevil", "e\u0301\u0301\u0301", "😀🔥", "\uFEFFbom",
            "'; DROP TABLE samples; --", "\" OR 1=1 --", "1; SELECT * FROM duckdb_settings()",
            "loss > 0; DELETE FROM samples", "`tag:x`", "tag:", "tag:tag:x", "%s%n%x%d", "${jndi:ldap://x}",
            "../../../etc/passwd", "..\\..\\win.ini", "/dev/zero", "<script>alert(1)</script>", "{}", "[]", "null",
            "{\"split\":", "true", "@reset", "@overview", "@\"\"\"import os\"\"\"", "__proto__", "constructor");

    /** Words that mean something somewhere in the query language (and a few that only look like it). */
    static final List<String> QUERY_TOKENS = List.of("loss", "label", "prediction", "confidence", "encounters",
            "last_step", "discarded", "origin", "sample_id", "row_key", "tag:fuzz_a", "`tag:fuzz_a`", "`tag:nope`",
            "`signals//loss`", "label_flipped", "and", "or", "not", "in", "sortby", "asc", "desc", "true", "false", "==",
            "!=", "<", "<=", ">", ">=", "=", "&", "|", "~", "(", ")", "[", "]", ",", "+", "-", "*", "/", "%", ".", ";", "--",
            "@", "'train'", "\"test\"", "'unclosed", "0", "1", "2.5", "-3", "1e3", "1e999", "99999999999999999999", ".5",
            "0x10", "NaN", "null", "abs(loss)", "random", "sortby loss", "sortby label desc, loss asc", "limit 5",
            "'; DROP TABLE samples; --", "\u0000", "日本", "select", "from", "where");

    static String string(Random random) {
        int pick = random.nextInt(10);
        if (pick == 0) {
            return longString(random);
        }
        if (pick == 1) {
            return randomCodePoints(random, 1 + random.nextInt(24));
        }
        return STRINGS.get(random.nextInt(STRINGS.size()));
    }

    /** An odd string of at most a few dozen characters. */
    static String shortString(Random random) {
        return random.nextInt(5) == 0 ? randomCodePoints(random, 1 + random.nextInt(24))
                : STRINGS.get(random.nextInt(STRINGS.size()));
    }

    /** Up to 100,000 characters: long enough to hurt a careless server, bounded so the suite stays quick. */
    static String longString(Random random) {
        String unit = random.nextBoolean() ? "a" : STRINGS.get(random.nextInt(STRINGS.size()));
        int length = random.nextInt(4) == 0 ? 100_000 : 1 + random.nextInt(5_000);
        StringBuilder out = new StringBuilder(length + unit.length());
        while (out.length() < length) {
            out.append(unit.isEmpty() ? "x" : unit);
        }
        return out.toString();
    }

    static String randomCodePoints(Random random, int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(4);
            int cp = switch (kind) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x20 + random.nextInt(0x5f);
                case 2 -> 0x80 + random.nextInt(0xD800 - 0x80);
                default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
            };
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /** A random query: token soup, sometimes glued without spaces. */
    static String querySoup(Random random) {
        int count = random.nextInt(12);
        StringBuilder out = new StringBuilder();
        String separator = random.nextInt(5) == 0 ? "" : " ";
        for (int i = 0; i < count; i++) {
            out.append(random.nextInt(8) == 0 ? string(random) : QUERY_TOKENS.get(random.nextInt(QUERY_TOKENS.size())));
            out.append(separator);
        }
        return out.toString();
    }

    static int int32(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new int[] {0, 1, -1, 2, 3, 16, 32, 64, 100, 1000, 4096, 4097, 10_000, 10_001}[random.nextInt(14)];
            case 1 -> new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE - 1, Integer.MIN_VALUE + 1,
                    65_535, 65_536, -65_536, 1 << 30}[random.nextInt(8)];
            case 2 -> random.nextInt();
            default -> random.nextInt(200) - 50;
        };
    }

    static long int64(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1, -1L, 1L << 53, (1L << 32),
                    Integer.MAX_VALUE + 1L}[random.nextInt(7)];
            case 1 -> random.nextLong();
            default -> int32(random);
        };
    }

    static float float32(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
                    Float.MIN_VALUE, -Float.MAX_VALUE, -0f, 0f, 10f, 10.0001f, 1e-30f}[random.nextInt(11)];
            case 1 -> Float.intBitsToFloat(random.nextInt());
            case 2 -> random.nextFloat() * 0.01f;
            default -> (random.nextFloat() - 0.5f) * 20f;
        };
    }

    static double float64(Random random) {
        return random.nextInt(4) == 0 ? Double.longBitsToDouble(random.nextLong()) : float32(random);
    }

    static byte[] bytes(Random random, int maxLength) {
        byte[] out = new byte[random.nextInt(maxLength + 1)];
        random.nextBytes(out);
        return out;
    }
}
