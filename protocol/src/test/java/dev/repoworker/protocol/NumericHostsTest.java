package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumericHostsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2130706433",
                "0177.0.0.1",
                "0x7f.1",
                "0x7f000001",
                "127.1",
                "127.0.1",
                "0",
                "0x",
                "127.000.0.1",
                "1.2.3.4.5",
                "256.0.0.1",
                "127.0.0.1.",
                "example.123",
                "example.0x1f",
                "0X7F.0.0.1",
                "01.2.3.4"
            })
    void numbers_that_are_not_canonical_dotted_quads_are_refused(String host) {
        assertThat(NumericHosts.problem(host)).get().asString().contains(host).contains("four decimal numbers");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "0.0.0.0",
                "8.8.8.8",
                "255.255.255.255",
                "github.com",
                "cafe.be",
                "deadbeef",
                "0x7f.example.com",
                "123.example.com",
                "localhost",
                "[::1]",
                "::ffff:127.0.0.1",
                "a1"
            })
    void names_and_canonical_addresses_pass(String host) {
        assertThat(NumericHosts.problem(host)).isEmpty();
    }
}
