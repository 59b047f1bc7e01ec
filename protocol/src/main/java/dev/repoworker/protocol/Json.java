package dev.repoworker.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The one JSON setup shared by both services: ISO-8601 times, unknown fields ignored, bounded input
 * (nesting, number length), duplicate keys refused (two parsers must never read one body differently).
 */
public final class Json {

    public static final int MAX_NESTING_DEPTH = 64;
    public static final int MAX_NUMBER_LENGTH = 100;

    private static final ObjectMapper MAPPER = create();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads an untrusted body as a JSON tree. The error says what is wrong in words of our own (never
     * the parser's, which name Java classes) and names the top-level field where reading stopped.
     */
    public static JsonNode parseUntrusted(String text) throws InvalidJsonException {
        if (text == null || text.isBlank()) {
            throw new InvalidJsonException(null, "the body is empty");
        }
        try {
            return parseUntrusted(MAPPER.createParser(text));
        } catch (IOException e) {
            throw new InvalidJsonException(null, "the body is not valid JSON");
        }
    }

    /**
     * {@link #parseUntrusted(String)} straight from a stream, decoded strictly as UTF-8 as it is read (malformed
     * bytes are refused, never replaced), so a large body is never held as bytes or text besides its tree.
     */
    public static JsonNode parseUntrusted(InputStream body) throws InvalidJsonException {
        Reader reader = new InputStreamReader(
                body,
                StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT));
        JsonParser parser;
        try {
            parser = MAPPER.createParser(reader);
        } catch (IOException e) {
            throw new InvalidJsonException(null, "the body is not valid JSON");
        }
        return parseUntrusted(parser);
    }

    private static JsonNode parseUntrusted(JsonParser parser) throws InvalidJsonException {
        JsonNode tree;
        try (parser) {
            tree = MAPPER.readTree(parser);
        } catch (CharacterCodingException e) {
            throw new InvalidJsonException(null, "the body is not valid UTF-8");
        } catch (IOException e) {
            throw new InvalidJsonException(topLevelField(parser.getParsingContext()), describe(e));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new InvalidJsonException(null, "the body is empty");
        }
        rejectNonFinite(tree, null);
        return tree;
    }

    /** 1e999999 reads as an infinite double, which no JSON text can write back: refused, naming its path. */
    private static void rejectNonFinite(JsonNode node, String path) throws InvalidJsonException {
        if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            throw new InvalidJsonException(path, "a number is out of range");
        }
        if (node.isObject()) {
            for (var field : node.properties()) {
                rejectNonFinite(field.getValue(), path == null ? field.getKey() : path + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                rejectNonFinite(node.get(i), (path == null ? "" : path) + "[" + i + "]");
            }
        }
    }

    /** The bytes as UTF-8, refusing malformed sequences (a lenient decoder would silently replace them). */
    public static String decodeUtf8(byte[] bytes) throws InvalidJsonException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidJsonException(null, "the body is not valid UTF-8");
        }
    }

    /** {@code application/json}, with no parameter but an optional {@code charset=utf-8}. */
    public static boolean isJsonContentType(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].trim().equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].replace(" ", "").replace("\"", "");
            if (!parameter.isEmpty() && !parameter.equals("charset=utf-8")) {
                return false;
            }
        }
        return true;
    }

    private static String describe(IOException e) {
        String original = e instanceof JsonProcessingException p ? p.getOriginalMessage() : "";
        if (e instanceof StreamConstraintsException) {
            if (original.contains("nesting depth")) {
                return "the JSON is nested deeper than " + MAX_NESTING_DEPTH + " levels";
            }
            if (original.contains("Number value length")) {
                return "a number is longer than " + MAX_NUMBER_LENGTH + " characters";
            }
            return "the JSON exceeds a size limit";
        }
        if (original.startsWith("Duplicate field")) {
            return "a field appears twice";
        }
        if (original.contains("end-of-input")) {
            return "the JSON ends too early";
        }
        if (e instanceof JsonProcessingException p && p.getLocation() != null) {
            return "the body is not valid JSON (line " + p.getLocation().getLineNr() + ", column "
                    + p.getLocation().getColumnNr() + ")";
        }
        return "the body is not valid JSON";
    }

    /** The name of the top-level field being read, or null at the top level itself. */
    private static String topLevelField(JsonStreamContext context) {
        JsonStreamContext current = context;
        while (current != null
                && current.getParent() != null
                && !current.getParent().inRoot()) {
            current = current.getParent();
        }
        if (current == null || !current.inObject() || current.getCurrentName() == null) {
            return null;
        }
        String name = current.getCurrentName();
        return name.length() > 64 ? name.substring(0, 64) + "…" : name;
    }

    /** Untrusted input that is not acceptable JSON; {@link #field()} is the top-level field at fault, or null. */
    public static final class InvalidJsonException extends Exception {
        private final String field;

        public InvalidJsonException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private static ObjectMapper create() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
    }
}
