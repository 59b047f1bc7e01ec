package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile JSON for property tests of the HTTP services: random trees, mutations of a valid request
 * (fields removed, types swapped, strings replaced by hostile ones), text-level damage, and the check
 * that an answer leaks nothing of the implementation.
 */
public final class HostileJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Strings that have broken parsers, paths, shells, logs and terminals before. */
    public static final List<String> STRINGS = List.of(
            "", " ", "\t\n\r", ".", "..", "../../../../etc/passwd", "/etc/passwd", "a/b", "a\\b", "..\\..\\windows",
            "%2e%2e%2f", "%00", "\u0000", "a\u0000b", "\u001b[31mred", "\u202e\u0644", "\ud800", "\udfff", "\ufeff",
            "\uffff", "😀", "é", "e\u0301", "x".repeat(129), "y".repeat(5000), "${jndi:ldap://127.0.0.1/a}", "{{7*7}}",
            "<script>alert(1)</script>", "'; DROP TABLE jobs; --", "\" OR \"1\"=\"1", "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "ftp://127.0.0.1/", "--upload-pack=touch /tmp/pwn",
            "-x", "NaN", "Infinity", "-0", "1e999999", "9".repeat(100), "null", "true", "{}", "[]", "\"", "\\", "%s%n%x",
            "\u0085line", "\u2028", "CON", "job:1", "msg_0123456789abcdef");

    private HostileJson() {
    }

    /** A hostile string from {@link #STRINGS}, or a random one of any characters (lone surrogates included). */
    public static Arbitrary<String> strings() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(STRINGS)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(40)));
    }

    /** Field names: the short hostile strings, or random ones. */
    private static Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of(STRINGS.stream().filter(s -> s.length() <= 30).toList())),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
    }

    /** Numbers at and beyond every edge: ints, longs, 100-digit integers, doubles near overflow, tiny fractions. */
    public static Arbitrary<JsonNode> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(NODES::numberNode),
                Arbitraries.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1).map(NODES::numberNode),
                Arbitraries.bigIntegers().between(BigInteger.TEN.pow(99).negate(), BigInteger.TEN.pow(99)).map(NODES::numberNode),
                Arbitraries.of(1e308, -1e308, Double.MIN_VALUE, 0.5, -0.0, 1.0000001, 123456.789).map(NODES::numberNode));
    }

    /** Random JSON trees: objects, arrays, strings, numbers, booleans and null, at most {@code depth} levels. */
    public static Arbitrary<JsonNode> trees(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.just(NODES.nullNode()),
                Arbitraries.of(true, false).map(NODES::booleanNode),
                numbers(),
                strings().map(NODES::textNode));
        if (depth <= 0) {
            return leaf;
        }
        Arbitrary<JsonNode> child = Arbitraries.lazy(() -> trees(depth - 1));
        Arbitrary<JsonNode> array = child.list().ofMaxSize(4).map(items -> {
            ArrayNode node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(keys(), child).ofMaxSize(4).map(HostileJson::object);
        return Arbitraries.frequencyOf(
                Tuple.of(2, leaf),
                Tuple.of(1, array),
                Tuple.of(2, object));
    }

    /** Random objects with some of {@code fieldNames} (so the parser's field checks are reached) and random values. */
    public static Arbitrary<JsonNode> objectsWithFields(List<String> fieldNames) {
        Arbitrary<String> names = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(fieldNames)),
                Tuple.of(1, keys()));
        return Arbitraries.maps(names, trees(3)).ofMaxSize(fieldNames.size() + 2).map(HostileJson::object);
    }

    /**
     * One to three mutations of {@code valid} (and of its nested objects): a field removed, set to null,
     * replaced by a random tree or a hostile string, or an unknown field added.
     */
    public static Arbitrary<JsonNode> mutationsOf(ObjectNode valid) {
        Arbitrary<Mutation> mutation = Combinators.combine(
                        Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 1000), trees(3), strings())
                .as(Mutation::new);
        return mutation.list().ofMinSize(1).ofMaxSize(3).map(mutations -> {
            ObjectNode copy = valid.deepCopy();
            mutations.forEach(m -> m.applyTo(copy));
            return copy;
        });
    }

    /** The JSON text of {@code tree}, sometimes damaged: cut short, a character inserted, a key doubled, wrapped. */
    public static Arbitrary<String> texts(Arbitrary<JsonNode> trees) {
        return Combinators.combine(trees, Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 100_000),
                Arbitraries.chars().all()).as((tree, damage, at, c) -> damage(Json.write(tree), damage, at, c));
    }

    /**
     * The first sign of the implementation in an HTTP answer (a stack frame, an exception, a Java class or
     * package name, a parser setting), or empty when there is none.
     */
    public static Optional<String> leak(String responseBody) {
        for (String marker : List.of("Exception", "\tat ", ".java:", "java.", "javax.", "jakarta.", "com.fasterxml",
                "org.eclipse", "io.javalin", "org.jdbi", "org.h2", "org.postgresql", "dev.repoworker", "StreamReadConstraints",
                "JsonReadFeature", "DeserializationFeature", "`")) {
            if (responseBody != null && responseBody.contains(marker)) {
                return Optional.of(marker);
            }
        }
        return Optional.empty();
    }

    private static String damage(String text, int damage, int at, char c) {
        int position = text.isEmpty() ? 0 : at % text.length();
        return switch (damage) {
            case 0 -> text.substring(0, position);
            case 1 -> text.substring(0, position) + c + text.substring(position);
            case 2 -> text.startsWith("{\"") && text.length() > 2 ? "{" + firstMember(text) + "," + text.substring(1) : text;
            case 3 -> "[" + text + "]";
            case 4 -> text + text;
            default -> text;
        };
    }

    private static String firstMember(String objectText) {
        try {
            Map.Entry<String, JsonNode> first = Json.mapper().readTree(objectText).properties().iterator().next();
            return Json.write(first.getKey()) + ":" + Json.write(first.getValue());
        } catch (Exception e) {
            return "\"k\":1";
        }
    }

    private static ObjectNode object(Map<String, JsonNode> fields) {
        ObjectNode node = NODES.objectNode();
        fields.forEach(node::set);
        return node;
    }

    private record Mutation(int kind, int index, JsonNode tree, String hostile) {

        void applyTo(ObjectNode root) {
            List<ObjectNode> owners = new ArrayList<>();
            List<String> names = new ArrayList<>();
            collect(root, owners, names);
            if (names.isEmpty() || kind == 4) {
                ObjectNode owner = owners.isEmpty() ? root : owners.get(index % owners.size());
                owner.set(hostile.isEmpty() ? "unknown" : hostile, tree);
                return;
            }
            int i = index % names.size();
            ObjectNode owner = owners.get(i);
            String name = names.get(i);
            switch (kind) {
                case 0 -> owner.remove(name);
                case 1 -> owner.set(name, tree);
                case 2 -> owner.put(name, hostile);
                default -> owner.putNull(name);
            }
        }

        private static void collect(ObjectNode node, List<ObjectNode> owners, List<String> names) {
            node.properties().forEach(e -> {
                owners.add(node);
                names.add(e.getKey());
                if (e.getValue() instanceof ObjectNode nested) {
                    collect(nested, owners, names);
                }
            });
        }
    }
}
