package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import dev.repoworker.testkit.CallbackReceiver;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code LOG_FORMAT=json}: the launcher logs one JSON object per line, with jobId and attempt on every line of a job. */
class LogFormatIT {

    private static final String SECRET = Signatures.newSecret();
    private static final String TOKEN = "ghp_jsonLogSecret0123456789";

    @TempDir
    Path tmp;

    @Test
    void json_lines_carry_job_id_and_attempt_and_never_the_token() throws Exception {
        TestRepos.Repo repo = TestRepos.withFiles(tmp.resolve("notes"), Map.of("README.md", "# Notes\n"));
        try (CallbackReceiver receiver = CallbackReceiver.verifying(SECRET)) {
            Map<String, String> env = new HashMap<>();
            env.put("JOB_ID", "json-job-1");
            env.put("TASK", "acquire-user-repo");
            env.put("DATA", "{\"repoUrl\":\"" + repo.fileUrl() + "\",\"gitToken\":\"" + TOKEN + "\"}");
            env.put("CALLBACK_URL", receiver.url());
            env.put("WORKER_SECRET", SECRET);
            env.put("TEMP_DIR", tmp.resolve("work").toString());
            env.put("ALLOW_FILE_REPOS", "true");
            env.put("ALLOWED_CALLBACK_HOSTS", "127.0.0.1");
            env.put("LOG_FORMAT", "json");
            Path log = tmp.resolve("job.log");

            Process process = Launcher.start(env, log, "job");
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).isZero();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("{")) {
                    lines.add(Json.mapper().readTree(line));
                }
            }
            List<JsonNode> jobLines = lines.stream()
                    .filter(l -> l.path("mdc").path("jobId").asText().equals("json-job-1"))
                    .toList();
            assertThat(jobLines).isNotEmpty();
            assertThat(jobLines).allSatisfy(l -> {
                assertThat(l.path("mdc").path("attempt").asText()).isEqualTo("1");
                assertThat(l.path("level").asText()).isNotEmpty();
                assertThat(l.path("formattedMessage").asText()).isNotEmpty();
            });
            assertThat(Files.readString(log)).doesNotContain(TOKEN).doesNotContain("|-INFO in ch.qos.logback");
        }
    }
}
