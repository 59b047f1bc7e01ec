package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void callback_uses_the_original_field_names_and_iso_times() {
        Callback callback = Callback.completed("job-1", 2, Map.of("files", 3), Instant.parse("2026-01-02T03:04:05Z"), 1234);
        assertThat(Json.write(callback)).isEqualTo(
                "{\"jobId\":\"job-1\",\"status\":\"completed\",\"result\":{\"files\":3},"
                        + "\"processedAt\":\"2026-01-02T03:04:05Z\",\"duration\":1234,\"attempt\":2}");
        assertThat(Json.write(Callback.failed("job-1", null, "boom", Instant.parse("2026-01-02T03:04:05Z"))))
                .isEqualTo("{\"jobId\":\"job-1\",\"status\":\"failed\",\"error\":\"boom\",\"processedAt\":\"2026-01-02T03:04:05Z\"}");
        assertThat(Json.write(Callback.running("job-1", 1, new Progress("clone", 1, 3, "cloning"))))
                .isEqualTo("{\"jobId\":\"job-1\",\"status\":\"running\",\"progress\":{\"step\":\"clone\",\"done\":1,\"total\":3,\"message\":\"cloning\"},\"attempt\":1}");
    }

    @Test
    void process_request_round_trips_and_ignores_unknown_fields() throws Exception {
        ProcessRequest request = Json.mapper().readValue(
                "{\"jobId\":\"j\",\"task\":\"acquire-user-repo\",\"callbackUrl\":\"http://x/cb\",\"data\":{\"repoUrl\":\"u\"},\"extra\":1}",
                ProcessRequest.class);
        assertThat(request.data()).containsEntry("repoUrl", "u");
        assertThat(request.attempt()).isNull();
        assertThat(Json.mapper().readValue("{\"jobId\":\"j\"}", ProcessRequest.class).data()).isEmpty();
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
}
