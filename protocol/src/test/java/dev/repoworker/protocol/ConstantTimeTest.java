package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConstantTimeTest {

    private static final String SECRET = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQ=";

    @Test
    void equal_values_match() {
        assertThat(ConstantTime.equals(SECRET, new String(SECRET.toCharArray())))
                .isTrue();
        assertThat(ConstantTime.equals(new byte[] {0, (byte) 0xff, 7}, new byte[] {0, (byte) 0xff, 7}))
                .isTrue();
    }

    @Test
    void different_lengths_never_match() {
        assertThat(ConstantTime.equals(SECRET, SECRET + "x")).isFalse();
        assertThat(ConstantTime.equals(SECRET, SECRET.substring(0, SECRET.length() - 1)))
                .isFalse();
        assertThat(ConstantTime.equals(SECRET, SECRET.repeat(2))).isFalse();
    }

    @Test
    void empty_matches_only_empty() {
        assertThat(ConstantTime.equals("", "")).isTrue();
        assertThat(ConstantTime.equals(SECRET, "")).isFalse();
        assertThat(ConstantTime.equals("", SECRET)).isFalse();
        assertThat(ConstantTime.equals(new byte[0], new byte[] {0})).isFalse();
    }

    @Test
    void one_byte_difference_at_the_start_or_the_end_is_found() {
        byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] first = secret.clone();
        first[0] ^= 1;
        byte[] last = secret.clone();
        last[last.length - 1] ^= 1;
        assertThat(ConstantTime.equals(secret, first)).isFalse();
        assertThat(ConstantTime.equals(secret, last)).isFalse();
        assertThat(ConstantTime.equals("a" + SECRET.substring(1), "b" + SECRET.substring(1)))
                .isFalse();
    }

    @Test
    void null_matches_nothing_not_even_null() {
        assertThat(ConstantTime.equals((String) null, null)).isFalse();
        assertThat(ConstantTime.equals(SECRET, null)).isFalse();
        assertThat(ConstantTime.equals(null, SECRET)).isFalse();
        assertThat(ConstantTime.equals((byte[]) null, new byte[0])).isFalse();
    }

    @Test
    void strings_compare_as_utf8_bytes() {
        assertThat(ConstantTime.equals("clé", "clé")).isTrue();
        assertThat(ConstantTime.equals("clé", "cle\u0301")).isFalse();
    }
}
