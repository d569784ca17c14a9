package io.trainscope.app.fuzz;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.UnknownFieldSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Random requests for any method, built from the request's protobuf descriptor: every field maybe
 * set, to an odd value or (by the field's name) to one the server knows, repeated fields up to
 * 10,000 items, unknown enum values, unknown fields; and their bytes truncated, flipped or replaced.
 */
final class RandomRequests {

    /** What the server knows now, so some requests reach past the first check. */
    record Known(List<String> runHashes, List<Long> checkpointSteps, List<String> tags) {}

    private static final int MAX_DEPTH = 3;
    /** Fields whose acceptance costs seconds (a checkpoint written or loaded): set rarely. */
    private static final Set<String> RARE = Set.of("save_checkpoint_operation",
            "load_checkpoint_operation");
    private static final List<String> SPLITS = List.of("train", "test", "TRAIN", " train ", "val", "");
    private static final List<String> STATS = List.of("discarded", "tag", "tag:fuzz_a", "tag:fuzz_b", "tags",
            "__register_tag__", "__discard_by_tag__", "__copy_metadata__", "__delete_metadata__", "__save_data_state__",
            "__force_h5_write_and_save__", "__save_step_signal_snapshot__", "loss", "label", "origin", "deny_listed");
    private static final List<String> COLUMNS = List.of("loss", "label", "prediction", "confidence", "encounters",
            "last_step", "discarded", "origin", "sample_id", "row_key", "tag:fuzz_a", "fuzz_a", "tags", "label_flipped");
    private static final List<String> METRICS = List.of("train/loss", "train/accuracy", "loss", "test/loss",
            "train/learning_rate", "signals//loss");
    private static final List<String> EVALUATION_CONFIGS = List.of("{\"split\": \"test\", \"max_steps\": 1}",
            "{\"split\": \"test\", \"max_steps\": 2, \"pause_training\": false}", "{\"cancel\": true}",
            "{\"cancel\": true, \"reason\": \"fuzz\"}", "{\"split\": \"train\", \"tags\": [\"fuzz_a\"], \"max_steps\": 1}",
            "{\"split\": \"nope\"}", "{\"split\": 5}", "{\"tags\": \"x\"}", "[]", "null", "{", "\"test\"", "{\"max_steps\": -1}");

    private final Random random;
    private final Known known;

    RandomRequests(Random random, Known known) {
        this.random = random;
        this.known = known;
    }

    /** A well-formed message of {@code type}, fields set at random. */
    DynamicMessage message(Descriptor type) {
        return message(type, 0).build();
    }

    private DynamicMessage.Builder message(Descriptor type, int depth) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            boolean present = RARE.contains(field.getName()) ? random.nextInt(20) == 0 : random.nextInt(3) != 0;
            if (!present) {
                continue;
            }
            if (field.isRepeated()) {
                int count = repeatCount();
                for (int i = 0; i < count; i++) {
                    Object value = value(field, depth, true);
                    if (value != null) {
                        builder.addRepeatedField(field, value);
                    }
                }
            } else {
                Object value = value(field, depth, false);
                if (value != null) {
                    builder.setField(field, value);
                }
            }
        }
        if (random.nextInt(8) == 0) {
            builder.setUnknownFields(unknownFields());
        }
        return builder;
    }

    private int repeatCount() {
        int pick = random.nextInt(40);
        if (pick == 0) {
            return 1_000 + random.nextInt(9_001); // huge, but bounded
        }
        return pick < 20 ? random.nextInt(4) : random.nextInt(40);
    }

    private Object value(FieldDescriptor field, int depth, boolean cheap) {
        return switch (field.getJavaType()) {
            case INT -> OddValues.int32(random);
            case LONG -> OddValues.int64(random);
            case FLOAT -> OddValues.float32(random);
            case DOUBLE -> OddValues.float64(random);
            case BOOLEAN -> random.nextBoolean();
            case STRING -> string(field.getName(), cheap || depth > 0);
            case BYTE_STRING -> ByteString.copyFrom(OddValues.bytes(random, 64));
            case ENUM -> random.nextInt(4) == 0
                    ? field.getEnumType().findValueByNumberCreatingIfUnknown(OddValues.int32(random))
                    : field.getEnumType().getValues().get(random.nextInt(field.getEnumType().getValues().size()));
            case MESSAGE -> depth >= MAX_DEPTH ? null
                    : cheap && random.nextBoolean() ? DynamicMessage.getDefaultInstance(field.getMessageType())
                    : message(field.getMessageType(), depth + 1).build();
        };
    }

    /**
     * A string for a field named {@code name}: one the server knows (half the time) or an odd one;
     * never a very long one when {@code bounded} (repeated or nested fields), so a request stays under a few MB.
     */
    private String string(String name, boolean bounded) {
        if (random.nextBoolean()) {
            return hinted(name);
        }
        return bounded ? OddValues.shortString(random) : OddValues.string(random);
    }

    private String hinted(String name) {
        String field = name.toLowerCase(Locale.ROOT);
        if (field.equals("query")) {
            return OddValues.querySoup(random);
        }
        if (field.contains("sample_id") || field.contains("samples_ids")) {
            return sampleId();
        }
        if (field.contains("origin") || field.contains("split")) {
            return pick(SPLITS);
        }
        if (field.contains("hash")) {
            return runReference();
        }
        if (field.equals("stat_name")) {
            return pick(STATS);
        }
        if (field.equals("column")) {
            return pick(COLUMNS);
        }
        if (field.contains("metric") || field.contains("graph") || field.contains("signal")) {
            return pick(METRICS);
        }
        if (field.equals("evaluation_config")) {
            return pick(EVALUATION_CONFIGS);
        }
        if (field.contains("tag") || field.equals("string_value") || field.equals("categories")) {
            return random.nextBoolean() || known.tags().isEmpty() ? pick(List.of("fuzz_a", "fuzz_b", "tag:fuzz_a", "hard"))
                    : pick(known.tags());
        }
        return OddValues.shortString(random);
    }

    private String sampleId() {
        return switch (random.nextInt(6)) {
            case 0 -> pick(List.of("-1", "", " 7 ", "1e3", "0x10", "99999999999999999999", "abc", "9223372036854775807"));
            case 1 -> Integer.toString(FuzzedServer.TRAIN + random.nextInt(100));
            default -> Integer.toString(random.nextInt(FuzzedServer.TEST));
        };
    }

    private String runReference() {
        String hash = known.runHashes().isEmpty() || random.nextInt(4) == 0 ? OddValues.shortString(random)
                : pick(known.runHashes());
        long step = known.checkpointSteps().isEmpty() || random.nextBoolean() ? OddValues.int64(random)
                : pick(known.checkpointSteps());
        return switch (random.nextInt(5)) {
            case 0 -> hash + "@@step=" + step;
            case 1 -> hash + "@@weights_step=" + step;
            case 2 -> hash + "@@weights_step=" + OddValues.shortString(random);
            default -> hash;
        };
    }

    private UnknownFieldSet unknownFields() {
        UnknownFieldSet.Builder set = UnknownFieldSet.newBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            int number = random.nextInt(3) == 0 ? 1 + random.nextInt(536_870_911) : 1 + random.nextInt(40);
            UnknownFieldSet.Field.Builder field = UnknownFieldSet.Field.newBuilder();
            switch (random.nextInt(4)) {
                case 0 -> field.addVarint(OddValues.int64(random));
                case 1 -> field.addFixed32(random.nextInt());
                case 2 -> field.addFixed64(random.nextLong());
                default -> field.addLengthDelimited(ByteString.copyFrom(OddValues.bytes(random, 32)));
            }
            set.mergeField(number, field.build());
        }
        return set.build();
    }

    /** Bytes that are almost, or not at all, a message of {@code type}. */
    byte[] garbled(Descriptor type) {
        int kind = random.nextInt(5);
        if (kind == 0) { // bytes that are no message at all: no need to build one first
            return OddValues.bytes(random, random.nextInt(10) == 0 ? 65_536 : 256);
        }
        byte[] valid = message(type).toByteArray();
        switch (kind) {
            case 1:
                return valid.length == 0 ? new byte[] {(byte) 0x0a} : java.util.Arrays.copyOf(valid, random.nextInt(valid.length));
            case 2: {
                byte[] flipped = valid.clone();
                for (int i = 0; i < 1 + random.nextInt(4) && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return flipped;
            }
            case 3: // a field whose length prefix claims more than the message holds
                return concat(valid, new byte[] {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x0f, 1, 2});
            default: // a string field holding bytes that are not UTF-8
                return concat(valid, new byte[] {(byte) 0x0a, 3, (byte) 0xc3, (byte) 0x28, (byte) 0xff});
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
