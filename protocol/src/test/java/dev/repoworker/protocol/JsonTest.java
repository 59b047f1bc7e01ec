package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {

    @Test
    void callback_uses_the_original_field_names_and_iso_times() {
        Callback callback =
                Callback.completed("job-1", 2, Map.of("files", 3), Instant.parse("2026-01-02T03:04:05Z"), 1234);
        assertThat(Json.write(callback))
                .isEqualTo("{\"jobId\":\"job-1\",\"status\":\"completed\",\"result\":{\"files\":3},"
                        + "\"processedAt\":\"2026-01-02T03:04:05Z\",\"duration\":1234,\"attempt\":2}");
        assertThat(Json.write(Callback.failed("job-1", null, "boom", Instant.parse("2026-01-02T03:04:05Z"))))
                .isEqualTo(
                        "{\"jobId\":\"job-1\",\"status\":\"failed\",\"error\":\"boom\",\"processedAt\":\"2026-01-02T03:04:05Z\"}");
        assertThat(Json.write(Callback.running("job-1", 1, new Progress("clone", 1, 3, "cloning"))))
                .isEqualTo(
                        "{\"jobId\":\"job-1\",\"status\":\"running\",\"progress\":{\"step\":\"clone\",\"done\":1,\"total\":3,\"message\":\"cloning\"},\"attempt\":1}");
    }

    @Test
    void item_result_is_written_without_null_fields_and_reads_back() throws Exception {
        assertThat(Json.write(ItemResult.accepted("job-1"))).isEqualTo("{\"jobId\":\"job-1\",\"status\":\"accepted\"}");
        ItemResult error = ItemResult.error("job-2", 400, "task is required", "task");
        assertThat(Json.write(error))
                .isEqualTo(
                        "{\"jobId\":\"job-2\",\"status\":\"error\",\"code\":400,\"message\":\"task is required\",\"field\":\"task\"}");
        assertThat(Json.write(ItemResult.error(null, 429, "queue full", null)))
                .isEqualTo("{\"status\":\"error\",\"code\":429,\"message\":\"queue full\"}");
        assertThat(Json.mapper().readValue(Json.write(error), ItemResult.class)).isEqualTo(error);
    }

    @Test
    void process_request_round_trips_and_ignores_unknown_fields() throws Exception {
        ProcessRequest request = Json.mapper()
                .readValue(
                        "{\"jobId\":\"j\",\"task\":\"acquire-user-repo\",\"callbackUrl\":\"http://x/cb\",\"data\":{\"repoUrl\":\"u\"},\"extra\":1}",
                        ProcessRequest.class);
        assertThat(request.data()).containsEntry("repoUrl", "u");
        assertThat(request.attempt()).isNull();
        assertThat(Json.mapper()
                        .readValue("{\"jobId\":\"j\"}", ProcessRequest.class)
                        .data())
                .isEmpty();
    }

    @Test
    void deeply_nested_input_is_refused() {
        String deep = "[".repeat(Json.MAX_NESTING_DEPTH + 10) + "]".repeat(Json.MAX_NESTING_DEPTH + 10);
        assertThatThrownBy(() -> Json.mapper().readTree(deep)).hasMessageContaining("nesting depth");
    }

    @Test
    void task_types_have_kebab_case_wire_names() {
        assertThat(TaskType.fromWire("acquire-user-repo")).contains(TaskType.ACQUIRE_USER_REPO);
        assertThat(TaskType.fromWire("process-from-template")).contains(TaskType.PROCESS_FROM_TEMPLATE);
        assertThat(TaskType.fromWire("ACQUIRE_USER_REPO")).isEmpty();
        assertThat(TaskType.allWireNames()).contains("build-assets, compute-embeddings");
    }

    @Test
    void duplicate_keys_are_refused() {
        assertThatThrownBy(() -> Json.parseUntrusted("{\"jobId\":\"a\",\"jobId\":\"b\"}"))
                .isInstanceOf(Json.InvalidJsonException.class)
                .hasMessage("a field appears twice")
                .satisfies(
                        e -> assertThat(((Json.InvalidJsonException) e).field()).isEqualTo("jobId"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"data\":{\"a\":[[[[1}}|data|not valid JSON",
                "{\"attempt\":1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111|attempt|longer than 100",
                "{\"attempt\":NaN}|attempt|not valid JSON",
                "{\"jobId\":|jobId|ends too early",
                "{\"a\":1} trailing|''|not valid JSON",
                "[1,2|''|ends too early",
                "'single'|''|not valid JSON"
            })
    void untrusted_json_errors_name_the_top_level_field_in_words_of_our_own(String text, String field, String message) {
        assertThatThrownBy(() -> Json.parseUntrusted(text))
                .isInstanceOf(Json.InvalidJsonException.class)
                .hasMessageContaining(message)
                .satisfies(e ->
                        assertThat(((Json.InvalidJsonException) e).field()).isEqualTo(field.isEmpty() ? null : field))
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("`", "StreamReadConstraints", "JsonReadFeature", "java."));
    }

    @Test
    void nesting_beyond_the_limit_is_named_without_parser_internals() {
        String deep =
                "{\"data\":" + "[".repeat(Json.MAX_NESTING_DEPTH + 10) + "]".repeat(Json.MAX_NESTING_DEPTH + 10) + "}";
        assertThatThrownBy(() -> Json.parseUntrusted(deep))
                .hasMessage("the JSON is nested deeper than 64 levels")
                .satisfies(
                        e -> assertThat(((Json.InvalidJsonException) e).field()).isEqualTo("data"));
    }

    @Test
    void empty_and_blank_bodies_are_refused() {
        assertThatThrownBy(() -> Json.parseUntrusted("")).hasMessage("the body is empty");
        assertThatThrownBy(() -> Json.parseUntrusted(" \n ")).hasMessage("the body is empty");
    }

    @Test
    void hundred_digit_integers_parse_but_never_as_ints() throws Exception {
        assertThat(Json.parseUntrusted("{\"a\":" + "9".repeat(100) + "}")
                        .get("a")
                        .canConvertToInt())
                .isFalse();
        assertThat(Json.parseUntrusted("{\"a\":1e308}").get("a").canConvertToInt())
                .isFalse();
    }

    @Test
    void numbers_beyond_a_double_are_refused_naming_their_path() {
        assertThatThrownBy(() -> Json.parseUntrusted("{\"data\":{\"depth\":1e999999}}"))
                .hasMessage("a number is out of range")
                .satisfies(
                        e -> assertThat(((Json.InvalidJsonException) e).field()).isEqualTo("data.depth"));
        assertThatThrownBy(() -> Json.parseUntrusted("{\"logs\":[1,-1e999999]}"))
                .satisfies(
                        e -> assertThat(((Json.InvalidJsonException) e).field()).isEqualTo("logs[1]"));
        assertThatThrownBy(() -> Json.parseUntrusted("[1e400]"))
                .satisfies(
                        e -> assertThat(((Json.InvalidJsonException) e).field()).isEqualTo("[0]"));
    }

    @Test
    void job_ids_follow_one_rule() {
        assertThat(JobIds.isValid("job-1:a.b_c")).isTrue();
        assertThat(JobIds.isValid("x".repeat(128))).isTrue();
        for (String bad :
                new String[] {"", "x".repeat(129), "a..b", "..", ".", "a/b", "a b", "jöb", "a\nb", "a\u0000b"}) {
            assertThat(JobIds.isValid(bad)).as(bad).isFalse();
        }
        assertThat(JobIds.isValid(null)).isFalse();
    }

    @Test
    void utf8_is_decoded_strictly() throws Exception {
        assertThat(Json.decodeUtf8("{\"a\":\"clé\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("{\"a\":\"clé\"}");
        assertThatThrownBy(() -> Json.decodeUtf8(new byte[] {'{', '"', (byte) 0xff, '"', '}'}))
                .hasMessage("the body is not valid UTF-8");
        assertThatThrownBy(() -> Json.decodeUtf8(new byte[] {'"', (byte) 0xc3, '"'}))
                .hasMessage("the body is not valid UTF-8");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "application/json|true",
                "Application/JSON|true",
                "application/json; charset=utf-8|true",
                "application/json;charset=\"UTF-8\"|true",
                "application/json; charset=iso-8859-1|false",
                "application/jsonx|false",
                "application/json-patch+json|false",
                "text/plain|false",
                "text/json|false",
                "application/x-www-form-urlencoded|false",
                "''|false"
            })
    void only_json_in_utf8_is_json(String contentType, boolean accepted) {
        assertThat(Json.isJsonContentType(contentType.isEmpty() ? null : contentType))
                .isEqualTo(accepted);
    }
}
