package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void durations_accept_units_bare_seconds_and_iso() {
        Env env = new Env(Map.of("A", "250ms", "B", "30s", "C", "15m", "D", "2h", "E", "45", "F", "PT1M30S"));
        assertThat(env.duration("A", null)).isEqualTo(Duration.ofMillis(250));
        assertThat(env.duration("B", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(env.duration("C", null)).isEqualTo(Duration.ofMinutes(15));
        assertThat(env.duration("D", null)).isEqualTo(Duration.ofHours(2));
        assertThat(env.duration("E", null)).isEqualTo(Duration.ofSeconds(45));
        assertThat(env.duration("F", null)).isEqualTo(Duration.ofSeconds(90));
        assertThat(env.duration("MISSING", Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void bad_values_name_the_variable() {
        Env env = new Env(Map.of("PORT", "eighty", "FLAG", "maybe", "T", "soon", "N", "0"));
        assertThatThrownBy(() -> env.integer("PORT", 8080, 0, 65535))
                .hasMessageStartingWith("PORT must be a whole number");
        assertThatThrownBy(() -> env.flag("FLAG", false)).hasMessageStartingWith("FLAG must be true or false");
        assertThatThrownBy(() -> env.duration("T", Duration.ZERO)).hasMessageStartingWith("T must be a duration");
        assertThatThrownBy(() -> env.integer("N", 1, 1, 64)).hasMessageStartingWith("N must be between 1 and 64");
    }

    @Test
    void lists_are_comma_separated() {
        Env env = new Env(Map.of("HOSTS", " github.com, ,gitlab.com "));
        assertThat(env.list("HOSTS", List.of())).containsExactly("github.com", "gitlab.com");
        assertThat(env.list("NONE", List.of("x"))).containsExactly("x");
    }

    @Test
    void sizes_take_bytes_or_binary_units() {
        Env env = new Env(Map.of("A", "1048576", "B", "500MB", "C", "2GiB", "D", "64k", "E", " 3 g ", "F", "1t"));
        assertThat(env.bytes("A", 0)).isEqualTo(1_048_576L);
        assertThat(env.bytes("B", 0)).isEqualTo(500L * 1024 * 1024);
        assertThat(env.bytes("C", 0)).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(env.bytes("D", 0)).isEqualTo(64L * 1024);
        assertThat(env.bytes("E", 0)).isEqualTo(3L * 1024 * 1024 * 1024);
        assertThat(env.bytes("F", 0)).isEqualTo(1L << 40);
        assertThat(env.bytes("MISSING", 42)).isEqualTo(42);
    }

    @Test
    void bad_sizes_name_the_variable() {
        Env env = new Env(Map.of("HALF", "1.5GB", "WORD", "lots", "NEG", "-5", "HUGE", "99999999999999T", "ZERO", "0"));
        for (String name : List.of("HALF", "WORD", "NEG", "HUGE")) {
            assertThatThrownBy(() -> env.bytes(name, 1)).hasMessageStartingWith(name + " must be a size such as");
        }
        assertThatThrownBy(() -> env.bytes("ZERO", 1)).hasMessage("ZERO must be greater than zero");
    }

    @Test
    void durations_and_urls_are_checked_where_they_are_read() {
        Env env = new Env(Map.of(
                "ZERO",
                "0s",
                "SHORT",
                "10ms",
                "FTP",
                "ftp://example.org",
                "NOHOST",
                "http://",
                "SLASH",
                "https://example.org/base/"));

        assertThatThrownBy(() -> env.positiveDuration("ZERO", Duration.ofSeconds(1)))
                .hasMessage("ZERO must be longer than zero");
        assertThatThrownBy(() -> env.duration("SHORT", Duration.ofSeconds(1), Duration.ofMillis(250)))
                .hasMessage("SHORT must be at least 250 ms");
        assertThat(env.positiveDuration("MISSING", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        for (String name : List.of("FTP", "NOHOST")) {
            assertThatThrownBy(() -> env.httpUrl(name, null)).hasMessageStartingWith(name + " must be an http(s) URL");
        }
        assertThat(env.httpUrl("SLASH", null)).isEqualTo("https://example.org/base");
        assertThat(env.httpUrl("MISSING", "https://fallback")).isEqualTo("https://fallback");
    }
}
