package io.trainscope.core.audit;

import java.time.Instant;
import java.util.Map;

/** One user action: when, what, with which parameters, by whom, and how it ended. */
public record AuditEntry(Instant time, String action, Map<String, String> parameters, String caller, String result) {

    public AuditEntry {
        parameters = Map.copyOf(parameters);
    }

    /** The entry as one line of JSON. */
    String toJson() {
        StringBuilder json = new StringBuilder(128).append('{');
        field(json, "time", time.toString()).append(',');
        field(json, "action", action).append(',');
        json.append("\"parameters\":{");
        boolean first = true;
        for (var e : new java.util.TreeMap<>(parameters).entrySet()) {
            if (!first) {
                json.append(',');
            }
            field(json, e.getKey(), e.getValue());
            first = false;
        }
        json.append("},");
        field(json, "caller", caller).append(',');
        field(json, "result", result);
        return json.append('}').toString();
    }

    private static StringBuilder field(StringBuilder json, String name, String value) {
        return quote(quote(json, name).append(':'), value);
    }

    private static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
