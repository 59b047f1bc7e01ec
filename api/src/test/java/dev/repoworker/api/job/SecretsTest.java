package dev.repoworker.api.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @Test
    void secret_looking_keys_are_split_off_at_any_depth_and_merged_back() {
        Map<String, Object> data = Map.of(
                "repoUrl",
                "u",
                "gitToken",
                "t1",
                "nested",
                Map.of("apiKey", "k1", "name", "n"),
                "password",
                "p1",
                "branch",
                "main");

        Secrets.Split split = Secrets.split(data);

        assertThat(split.publicData()).containsOnlyKeys("repoUrl", "nested", "branch");
        assertThat(split.publicData().get("nested")).isEqualTo(Map.of("name", "n"));
        assertThat(Secrets.values(split.secretData())).containsExactlyInAnyOrder("t1", "k1", "p1");
        assertThat(Secrets.merge(split.publicData(), split.secretData())).isEqualTo(data);
    }

    @Test
    void text_is_redacted_of_secret_values_and_url_credentials() {
        assertThat(Secrets.redactText("fatal: https://user:abcd1234@host/x failed with abcd1234", List.of("abcd1234")))
                .doesNotContain("abcd1234")
                .doesNotContain("user:");
    }

    @Test
    void sealed_secrets_open_only_with_the_same_key_and_job(@TempDir Path dir) throws Exception {
        SecretBox box = SecretBox.loadOrCreate(dir.resolve("secrets.key"));
        String token = "ghp_sealedTokenValue0123456789";
        String sealed = box.seal("job-1", Map.of("gitToken", token));

        assertThat(sealed).doesNotContain(token);
        assertThat(SecretBox.loadOrCreate(dir.resolve("secrets.key")).open("job-1", sealed))
                .containsEntry("gitToken", token);
        assertThatThrownBy(() -> box.open("job-2", sealed)).isInstanceOf(IllegalStateException.class);
        assertThat(Files.getPosixFilePermissions(dir.resolve("secrets.key")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThatThrownBy(() -> SecretBox.fromBase64("SECRETS_KEY", "c2hvcnQ="))
                .isInstanceOfSatisfying(
                        Env.InvalidConfigException.class,
                        e -> assertThat(e.variable()).isEqualTo("SECRETS_KEY"));
    }
}
