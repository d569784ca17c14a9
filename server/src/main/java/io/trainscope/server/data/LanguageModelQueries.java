package io.trainscope.server.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates a natural-language question about the samples into the direct query language,
 * through an OpenAI-compatible chat-completions endpoint. The answer is only ever a query: it
 * is parsed and checked like one typed by hand, so the model cannot reach SQL or files.
 */
public final class LanguageModelQueries {

    static final String NOT_CONFIGURED = "Natural-language queries need a language model: set TRAINSCOPE_LLM_URL to an"
            + " OpenAI-compatible endpoint (e.g. http://localhost:11434/v1), TRAINSCOPE_LLM_MODEL, and TRAINSCOPE_LLM_API_KEY"
            + " if it needs one, then restart. Or write the query directly, e.g. `loss > 2 and label == 3 sortby loss desc`.";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INSTRUCTIONS = """
            You translate a question about a table of training samples into one query in this language, and
            answer with the query only. Comparisons: == != < <= > >= ; in [..] ; and, or, not, parentheses.
            Strings in double quotes; true/false. Column names that are not plain words go in backticks,
            e.g. `tag:hard` == true. Sorting: append " sortby <column> asc|desc, ...". Columns: %s.
            Example: "wrong predictions of class 3 with high loss, worst first" ->
            prediction != label and label == 3 and loss > 1 sortby loss desc""";

    /** Thrown when the model cannot be reached or answers nothing usable; the message says which. */
    static final class TranslationException extends Exception {
        TranslationException(String message) {
            super(message);
        }
    }

    private final URI endpoint;
    private final String model;
    private final Optional<String> apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public LanguageModelQueries(URI baseUrl, String model, Optional<String> apiKey) {
        String base = requireNonNull(baseUrl, "baseUrl").toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + "chat/completions" : base + "/chat/completions");
        this.model = requireNonNull(model, "model");
        this.apiKey = requireNonNull(apiKey, "apiKey");
    }

    /** The model named by {@code TRAINSCOPE_LLM_URL} and {@code TRAINSCOPE_LLM_MODEL}, if both are set. */
    public static Optional<LanguageModelQueries> fromEnvironment(Map<String, String> env) {
        String url = env.getOrDefault("TRAINSCOPE_LLM_URL", "").strip();
        if (url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new LanguageModelQueries(URI.create(url), env.getOrDefault("TRAINSCOPE_LLM_MODEL", "default"),
                Optional.ofNullable(env.get("TRAINSCOPE_LLM_API_KEY")).filter(k -> !k.isBlank())));
    }

    String translate(String question, List<String> columns) throws TranslationException {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("temperature", 0);
        body.putArray("messages")
                .add(JSON.createObjectNode().put("role", "system").put("content", INSTRUCTIONS.formatted(columns)))
                .add(JSON.createObjectNode().put("role", "user").put("content", question));
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TranslationException("The language model at " + endpoint + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TranslationException("Query canceled.");
        }
        if (response.statusCode() / 100 != 2) {
            throw new TranslationException("The language model at " + endpoint + " answered HTTP " + response.statusCode());
        }
        try {
            JsonNode content = JSON.readTree(response.body()).path("choices").path(0).path("message").path("content");
            String query = content.asText("").strip().replaceAll("^```\\w*\\s*|\\s*```$", "").strip();
            if (query.isEmpty()) {
                throw new TranslationException("The language model gave no query for \"" + question + "\"");
            }
            return query;
        } catch (IOException e) {
            throw new TranslationException("The language model's answer is not chat-completions JSON: " + e.getMessage());
        }
    }
}
