package dev.repoworker.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.repoworker.protocol.Json;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Hostile JSON for property tests of the HTTP services: random trees, mutations of a valid request
 * (fields removed, types swapped, strings replaced by hostile ones), text-level damage, and the check
 * that an answer leaks nothing of the implementation. The generators are QuickTheories {@link Gen}s, to run
 * with {@link PropertyCheck}.
 */
public final class HostileJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Any UTF-16 unit: lone surrogates, controls and noncharacters included (shrinks towards '!'). */
    private static final Gen<Character> ANY_CHAR =
            Generate.range(Character.MIN_VALUE, Character.MAX_VALUE, '!').map(code -> (char) code.intValue());

    /** Strings that have broken parsers, paths, shells, logs and terminals before. */
    public static final List<String> STRINGS = List.of(
            "",
            " ",
            "\t\n\r",
            ".",
            "..",
            "../../../../etc/passwd",
            "/etc/passwd",
            "a/b",
            "a\\b",
            "..\\..\\windows",
            "%2e%2e%2f",
            "%00",
            "\u0000",
            "a\u0000b",
            "\u001b[31mred",
            "\u202e\u0644",
            "\ud800",
            "\udfff",
            "\ufeff",
            "\uffff",
            "😀",
            "é",
            "e\u0301",
            "x".repeat(129),
            "y".repeat(5000),
            "${jndi:ldap://127.0.0.1/a}",
            "{{7*7}}",
            "<script>alert(1)</script>",
            "'; DROP TABLE jobs; --",
            "\" OR \"1\"=\"1",
            "file:///etc/passwd",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/",
            "ftp://127.0.0.1/",
            "--upload-pack=touch /tmp/pwn",
            "-x",
            "NaN",
            "Infinity",
            "-0",
            "1e999999",
            "9".repeat(100),
            "null",
            "true",
            "{}",
            "[]",
            "\"",
            "\\",
            "%s%n%x",
            "\u0085line",
            "\u2028",
            "CON",
            "job:1",
            "msg_0123456789abcdef");

    private HostileJson() {}

    /** A hostile string from {@link #STRINGS}, or a random one of any characters (lone surrogates included). */
    public static Gen<String> strings() {
        return Generate.frequency(Pair.of(3, Generate.pick(STRINGS)), Pair.of(1, anyString(40)));
    }

    /** Field names: the short hostile strings, or random ones. */
    private static Gen<String> keys() {
        return Generate.frequency(
                Pair.of(
                        1,
                        Generate.pick(
                                STRINGS.stream().filter(s -> s.length() <= 30).toList())),
                Pair.of(1, anyString(20)));
    }

    /** Numbers at and beyond every edge: ints, longs, integers of about 100 digits, doubles near overflow, tiny fractions. */
    public static Gen<JsonNode> numbers() {
        return Generate.oneOf(
                SourceDSL.integers().all().map(NODES::numberNode),
                Generate.pick(List.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1))
                        .map(NODES::numberNode),
                SourceDSL.bigIntegers().ofBytes(42).map(NODES::numberNode),
                Generate.pick(List.of(1e308, -1e308, Double.MIN_VALUE, 0.5, -0.0, 1.0000001, 123456.789))
                        .map(NODES::numberNode));
    }

    /** Random JSON trees: objects, arrays, strings, numbers, booleans and null, at most {@code depth} levels. */
    public static Gen<JsonNode> trees(int depth) {
        Gen<JsonNode> leaf = Generate.oneOf(
                Generate.constant(NODES.nullNode()),
                Generate.booleans().map(NODES::booleanNode),
                numbers(),
                strings().map(NODES::textNode));
        if (depth <= 0) {
            return leaf;
        }
        Gen<JsonNode> child = trees(depth - 1);
        Gen<JsonNode> array = SourceDSL.lists().of(child).ofSizeBetween(0, 4).map(items -> {
            ArrayNode node = NODES.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Gen<JsonNode> object = objects(keys(), child, 4);
        return Generate.frequency(Pair.of(2, leaf), Pair.of(1, array), Pair.of(2, object));
    }

    /** Random objects with some of {@code fieldNames} (so the parser's field checks are reached) and random values. */
    public static Gen<JsonNode> objectsWithFields(List<String> fieldNames) {
        Gen<String> names = Generate.frequency(Pair.of(3, Generate.pick(fieldNames)), Pair.of(1, keys()));
        return objects(names, trees(3), fieldNames.size() + 2);
    }

    /**
     * One to three mutations of {@code valid} (and of its nested objects): a field removed, set to null,
     * replaced by a random tree or a hostile string, or an unknown field added.
     */
    public static Gen<JsonNode> mutationsOf(ObjectNode valid) {
        Gen<Mutation> mutation = Generate.range(0, 4).zip(Generate.range(0, 1000), trees(3), strings(), Mutation::new);
        return SourceDSL.lists().of(mutation).ofSizeBetween(1, 3).map(mutations -> {
            ObjectNode copy = valid.deepCopy();
            mutations.forEach(m -> m.applyTo(copy));
            return copy;
        });
    }

    /**
     * The JSON text of {@code tree}, sometimes damaged: cut short, a character inserted, a key doubled, wrapped.
     * A counterexample is shown {@link #escaped}.
     */
    public static Gen<String> texts(Gen<JsonNode> trees) {
        return trees.zip(
                        Generate.range(0, 9),
                        Generate.range(0, 100_000),
                        ANY_CHAR,
                        (tree, damage, at, c) -> damage(Json.write(tree), damage, at, c))
                .describedAs(HostileJson::escaped);
    }

    /** Random bytes where JSON is expected, up to {@code maxSize} of them; a counterexample is shown in hex. */
    public static Gen<byte[]> bytes(int maxSize) {
        return Generate.byteArrays(Generate.range(0, maxSize), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
                .describedAs(bytes -> bytes.length + " bytes: " + HexFormat.of().formatHex(bytes));
    }

    /**
     * {@code text} in double quotes with every character outside printable ASCII as a {@code \\uXXXX} escape, so
     * that a counterexample full of controls, surrogates and invisible characters can be read and copied.
     */
    public static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out.append('"').toString();
    }

    /**
     * The first sign of the implementation in an HTTP answer (a stack frame, an exception, a Java class or
     * package name, a parser setting), or empty when there is none.
     */
    public static Optional<String> leak(String responseBody) {
        for (String marker : List.of(
                "Exception",
                "\tat ",
                ".java:",
                "java.",
                "javax.",
                "jakarta.",
                "com.fasterxml",
                "org.eclipse",
                "io.javalin",
                "org.jdbi",
                "org.h2",
                "org.postgresql",
                "dev.repoworker",
                "StreamReadConstraints",
                "JsonReadFeature",
                "DeserializationFeature",
                "`")) {
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
            case 2 ->
                text.startsWith("{\"") && text.length() > 2 ? "{" + firstMember(text) + "," + text.substring(1) : text;
            case 3 -> "[" + text + "]";
            case 4 -> text + text;
            default -> text;
        };
    }

    private static String firstMember(String objectText) {
        try {
            Map.Entry<String, JsonNode> first =
                    Json.mapper().readTree(objectText).properties().iterator().next();
            return Json.write(first.getKey()) + ":" + Json.write(first.getValue());
        } catch (Exception e) {
            return "\"k\":1";
        }
    }

    /** Objects of up to {@code maxSize} fields; a name drawn twice keeps its last value. */
    private static Gen<JsonNode> objects(Gen<String> names, Gen<JsonNode> values, int maxSize) {
        return SourceDSL.lists()
                .of(names.zip(values, Map::entry))
                .ofSizeBetween(0, maxSize)
                .map(fields -> {
                    ObjectNode node = NODES.objectNode();
                    fields.forEach(field -> node.set(field.getKey(), field.getValue()));
                    return node;
                });
    }

    public static Gen<String> anyString(int maxLength) {
        return SourceDSL.lists().of(ANY_CHAR).ofSizeBetween(0, maxLength).map(chars -> {
            StringBuilder text = new StringBuilder(chars.size());
            chars.forEach(text::append);
            return text.toString();
        });
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
