package dev.repoworker.api.fallback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallbackHostForChildTest {

    @Test
    void the_api_callback_host_is_listed_exactly_for_the_child_and_nothing_is_lost() {
        assertThat(LocalProcessRunner.withHostOf("http://localhost:3000/api/cloudrun/callback", null))
                .isEqualTo("localhost");
        assertThat(LocalProcessRunner.withHostOf("http://localhost:3000/api/cloudrun/callback", " "))
                .isEqualTo("localhost");
        assertThat(LocalProcessRunner.withHostOf(
                        "https://api.internal/api/cloudrun/callback", "a.example, *.corp.example"))
                .isEqualTo("a.example,*.corp.example,api.internal");
        assertThat(LocalProcessRunner.withHostOf("https://API.internal/cb", "api.internal"))
                .isEqualTo("api.internal");
        assertThat(LocalProcessRunner.withHostOf("http://[::1]:3000/cb", null)).isEqualTo("[::1]");
    }
}
