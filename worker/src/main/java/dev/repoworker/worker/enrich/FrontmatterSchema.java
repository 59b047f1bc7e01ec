package dev.repoworker.worker.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** {@code schema.json}: per frontmatter key, the value types seen, how many posts have it, and type conflicts. */
final class FrontmatterSchema {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+(Z|[+-]\\d{2}:?\\d{2})?)?");

    private FrontmatterSchema() {}

    /** Per frontmatter key: the types seen, how many posts have it, and whether the types conflict. */
    static Map<String, Object> of(List<ObjectNode> posts) {
        Map<String, Map<String, List<String>>> types = new TreeMap<>(); // key → type → slugs
        Map<String, Integer> counts = new TreeMap<>();
        for (ObjectNode post : posts) {
            JsonNode fm = post.path("frontmatter");
            Iterator<Map.Entry<String, JsonNode>> fields = fm.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                counts.merge(field.getKey(), 1, Integer::sum);
                types.computeIfAbsent(field.getKey(), k -> new TreeMap<>())
                        .computeIfAbsent(typeOf(field.getValue()), t -> new ArrayList<>())
                        .add(post.path("slug").asText());
            }
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        types.forEach((key, byType) -> {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("types", List.copyOf(byType.keySet()));
            k.put("count", counts.get(key));
            k.put("coverage", posts.isEmpty() ? 0 : Math.round(1000.0 * counts.get(key) / posts.size()) / 1000.0);
            boolean conflict =
                    byType.keySet().stream().filter(t -> !t.equals("null")).count() > 1;
            k.put("conflict", conflict);
            if (conflict) {
                Map<String, Object> examples = new TreeMap<>();
                byType.forEach((t, slugs) -> examples.put(t, slugs.subList(0, Math.min(5, slugs.size()))));
                k.put("postsByType", examples);
            }
            keys.put(key, k);
        });
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("posts", posts.size());
        schema.put("keys", keys);
        return schema;
    }

    static String typeOf(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isArray()) {
            return "list";
        }
        if (value.isObject()) {
            return "map";
        }
        return DATE.matcher(value.asText()).matches() ? "date" : "string";
    }
}
