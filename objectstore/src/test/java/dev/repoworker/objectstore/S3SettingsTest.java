package dev.repoworker.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.protocol.Env.InvalidConfigException;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class S3SettingsTest {

    @Test
    void the_local_store_is_the_default() {
        assertThat(S3Settings.fromEnv(Map.of())).isEmpty();
        assertThat(S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "local", "S3_BUCKET", "ignored")))
                .isEmpty();
    }

    @Test
    void s3_reads_bucket_endpoint_region_prefix_and_path_style() {
        S3Settings settings = S3Settings.fromEnv(Map.of(
                        "ARTIFACT_STORE",
                        "s3",
                        "S3_BUCKET",
                        "sites",
                        "S3_ENDPOINT",
                        "http://127.0.0.1:9000",
                        "S3_REGION",
                        "auto",
                        "S3_PREFIX",
                        "builds",
                        "S3_PATH_STYLE",
                        "true"))
                .orElseThrow();

        assertThat(settings)
                .isEqualTo(new S3Settings(
                        "sites", java.util.Optional.of(URI.create("http://127.0.0.1:9000")), "auto", "builds/", true));
        assertThat(settings.location("job-1")).isEqualTo("s3://sites/builds/job-1/");
    }

    @Test
    void bad_settings_stop_the_start_naming_the_variable() {
        assertThatThrownBy(() -> S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "gcs")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("ARTIFACT_STORE ");
        assertThatThrownBy(() -> S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "s3")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("S3_BUCKET ");
        assertThatThrownBy(() ->
                        S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "s3", "S3_BUCKET", "b", "S3_ENDPOINT", "ftp://x")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("S3_ENDPOINT ");
        assertThatThrownBy(
                        () -> S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "s3", "S3_BUCKET", "b", "S3_PREFIX", "../x")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("S3_PREFIX ");
        assertThatThrownBy(() ->
                        S3Settings.fromEnv(Map.of("ARTIFACT_STORE", "s3", "S3_BUCKET", "b", "S3_PATH_STYLE", "maybe")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("S3_PATH_STYLE ");
    }
}
