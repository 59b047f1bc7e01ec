package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import java.net.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignaturesTest {

    private static final String BODY = "{\"jobId\":\"job-1\",\"status\":\"completed\"}";

    @Test
    void signature_we_produce_is_accepted_by_the_reference_implementation() throws Exception {
        String secret = Signatures.newSecret();
        Map<String, String> headers = Signatures.of(List.of(secret)).headersFor(BODY);

        Map<String, List<String>> asLists = new HashMap<>();
        headers.forEach((k, v) -> asLists.put(k, List.of(v)));
        assertThatCode(() -> new Webhook(secret).verify(BODY, asLists)).doesNotThrowAnyException();
    }

    @Test
    void signature_the_reference_implementation_produces_is_accepted_by_ours() throws Exception {
        String secret = Signatures.newSecret();
        long now = Instant.now().getEpochSecond();
        String signature = new Webhook(secret).sign("msg_abc", now, BODY);
        Map<String, String> headers = Map.of(
                Signatures.ID_HEADER,
                "msg_abc",
                Signatures.TIMESTAMP_HEADER,
                Long.toString(now),
                Signatures.SIGNATURE_HEADER,
                signature);

        assertThatCode(() -> Signatures.of(List.of(secret)).verify(BODY, headers::get))
                .doesNotThrowAnyException();
    }

    @Test
    void tampered_body_is_rejected() {
        Signatures signatures = Signatures.of(List.of(Signatures.newSecret()));
        Map<String, String> headers = signatures.headersFor(BODY);

        assertThatThrownBy(() -> signatures.verify(BODY.replace("completed", "failed"), headers::get))
                .isInstanceOf(Signatures.SignatureException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void timestamps_outside_five_minutes_are_rejected_both_ways() {
        String secret = Signatures.newSecret();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Signatures receiver = Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        for (Duration skew : List.of(Duration.ofMinutes(6), Duration.ofMinutes(-6))) {
            Signatures sender =
                    Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(now.plus(skew), ZoneOffset.UTC));
            Map<String, String> headers = sender.headersFor(BODY);
            assertThatThrownBy(() -> receiver.verify(BODY, headers::get)).hasMessageContaining("tolerance");
        }
        Signatures nearlyLate = Signatures.of(
                List.of(secret), Duration.ofMinutes(5), Clock.fixed(now.minusSeconds(290), ZoneOffset.UTC));
        Map<String, String> headers = nearlyLate.headersFor(BODY);
        assertThatCode(() -> receiver.verify(BODY, headers::get)).doesNotThrowAnyException();
    }

    @Test
    void rotation_accepts_old_and_new_secret_and_any_of_several_signatures() throws Exception {
        String oldSecret = Signatures.newSecret();
        String newSecret = Signatures.newSecret();
        Signatures receiver = Signatures.of(List.of(newSecret, oldSecret));

        Map<String, String> byOld = Signatures.of(List.of(oldSecret)).headersFor(BODY);
        assertThatCode(() -> receiver.verify(BODY, byOld::get)).doesNotThrowAnyException();

        long now = Instant.now().getEpochSecond();
        String both = Signatures.of(List.of(Signatures.newSecret())).sign("msg_1", now, BODY) + " "
                + Signatures.of(List.of(newSecret)).sign("msg_1", now, BODY);
        Map<String, String> headers = Map.of(
                Signatures.ID_HEADER,
                "msg_1",
                Signatures.TIMESTAMP_HEADER,
                Long.toString(now),
                Signatures.SIGNATURE_HEADER,
                both);
        assertThatCode(() -> receiver.verify(BODY, headers::get)).doesNotThrowAnyException();
    }

    @Test
    void missing_headers_and_garbage_are_rejected_with_a_reason() {
        Signatures signatures = Signatures.of(List.of(Signatures.newSecret()));
        assertThatThrownBy(() -> signatures.verify(BODY, name -> null)).hasMessageContaining("missing");
        Map<String, String> garbage = Map.of(
                Signatures.ID_HEADER, "x", Signatures.TIMESTAMP_HEADER, "soon", Signatures.SIGNATURE_HEADER, "v1,!!!");
        assertThatThrownBy(() -> signatures.verify(BODY, garbage::get)).hasMessageContaining("webhook-timestamp");
        long now = Instant.now().getEpochSecond();
        Map<String, String> badBase64 = Map.of(
                Signatures.ID_HEADER,
                "x",
                Signatures.TIMESTAMP_HEADER,
                Long.toString(now),
                Signatures.SIGNATURE_HEADER,
                "v1,!!! v2,abc");
        assertThatThrownBy(() -> signatures.verify(BODY, badBase64::get)).hasMessageContaining("does not match");
    }

    @Test
    void bearer_token_is_accepted_only_for_a_configured_secret() {
        Signatures signatures = Signatures.of(List.of("plain-secret", "older-secret"));
        assertThat(signatures.acceptsBearer("Bearer plain-secret")).isTrue();
        assertThat(signatures.acceptsBearer("bearer older-secret")).isTrue();
        assertThat(signatures.acceptsBearer("Bearer wrong")).isFalse();
        assertThat(signatures.acceptsBearer("Basic plain-secret")).isFalse();
        assertThat(signatures.acceptsBearer(null)).isFalse();
        assertThat(signatures.bearerToken()).isEqualTo("plain-secret");
    }

    @Test
    void plain_secrets_sign_and_verify_too() {
        Signatures signatures = Signatures.of(List.of("not-a-whsec-secret"));
        Map<String, String> headers = signatures.headersFor(BODY);
        assertThatCode(() -> signatures.verify(BODY, headers::get)).doesNotThrowAnyException();
    }

    @Test
    void header_lookup_can_come_from_java_http_headers() {
        Signatures signatures = Signatures.of(List.of(Signatures.newSecret()));
        Map<String, List<String>> raw = new HashMap<>();
        signatures.headersFor(BODY).forEach((k, v) -> raw.put(k.toUpperCase(), List.of(v)));
        HttpHeaders headers = HttpHeaders.of(raw, (a, b) -> true);
        assertThatCode(() ->
                        signatures.verify(BODY, name -> headers.firstValue(name).orElse(null)))
                .doesNotThrowAnyException();
    }

    @Test
    void verify_returns_the_message_id_and_how_long_a_copy_would_still_verify() throws Exception {
        String secret = Signatures.newSecret();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Signatures signatures = Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        Map<String, String> headers = signatures.headersFor(BODY);

        Signatures.Verified verified = signatures.verify(BODY, headers::get);

        assertThat(verified.messageId())
                .isEqualTo(headers.get(Signatures.ID_HEADER))
                .startsWith("msg_");
        assertThat(verified.replayableUntil())
                .isEqualTo(now.plus(Duration.ofMinutes(5)).plusSeconds(1));
        assertThat(signatures.headersFor(BODY).get(Signatures.ID_HEADER)).isNotEqualTo(verified.messageId());
    }

    @Test
    void a_copy_verifies_right_up_to_replayable_until_and_not_from_then_on() throws Exception {
        String secret = Signatures.newSecret();
        Instant sent = Instant.parse("2026-01-01T12:00:00.700Z");
        Map<String, String> headers = Signatures.of(
                        List.of(secret), Duration.ofMinutes(5), Clock.fixed(sent, ZoneOffset.UTC))
                .headersFor(BODY);
        Instant until = Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(sent, ZoneOffset.UTC))
                .verify(BODY, headers::get)
                .replayableUntil();

        Signatures justBefore = Signatures.of(
                List.of(secret), Duration.ofMinutes(5), Clock.fixed(until.minusMillis(1), ZoneOffset.UTC));
        Signatures atUntil = Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(until, ZoneOffset.UTC));
        assertThatCode(() -> justBefore.verify(BODY, headers::get)).doesNotThrowAnyException();
        assertThatThrownBy(() -> atUntil.verify(BODY, headers::get)).hasMessageContaining("tolerance");
    }

    @Test
    void a_timestamp_far_in_the_past_does_not_overflow_into_the_tolerance() {
        String secret = Signatures.newSecret();
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        Signatures signatures = Signatures.of(List.of(secret), Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        for (long timestamp : new long[] {Long.MIN_VALUE + now.getEpochSecond(), Long.MIN_VALUE, Long.MAX_VALUE}) {
            Map<String, String> headers = Map.of(
                    Signatures.ID_HEADER,
                    "msg_1",
                    Signatures.TIMESTAMP_HEADER,
                    Long.toString(timestamp),
                    Signatures.SIGNATURE_HEADER,
                    signatures.sign("msg_1", timestamp, BODY));
            assertThatThrownBy(() -> signatures.verify(BODY, headers::get))
                    .as("timestamp %d", timestamp)
                    .hasMessageContaining("tolerance");
        }
    }

    @Test
    void each_failure_names_its_header() {
        String secret = Signatures.newSecret();
        Signatures signatures = Signatures.of(List.of(secret));
        long now = Instant.now().getEpochSecond();
        Map<String, String> valid = signatures.headersFor(BODY);

        assertThat(failure(signatures, Map.of(Signatures.TIMESTAMP_HEADER, "1", Signatures.SIGNATURE_HEADER, "v1,x")))
                .isEqualTo(Signatures.ID_HEADER);
        assertThat(failure(signatures, with(valid, Signatures.TIMESTAMP_HEADER, "1e999999")))
                .isEqualTo(Signatures.TIMESTAMP_HEADER);
        assertThat(failure(signatures, with(valid, Signatures.TIMESTAMP_HEADER, "9".repeat(100))))
                .isEqualTo(Signatures.TIMESTAMP_HEADER);
        assertThat(failure(signatures, with(valid, Signatures.TIMESTAMP_HEADER, Long.toString(now + 3600))))
                .isEqualTo(Signatures.TIMESTAMP_HEADER);
        assertThat(failure(signatures, with(valid, Signatures.SIGNATURE_HEADER, "v1," + "A".repeat(44))))
                .isEqualTo(Signatures.SIGNATURE_HEADER);
    }

    @Test
    void message_ids_must_be_short_visible_ascii() {
        Signatures signatures = Signatures.of(List.of(Signatures.newSecret()));
        long now = Instant.now().getEpochSecond();
        for (String id :
                new String[] {"x".repeat(Signatures.MAX_MESSAGE_ID_LENGTH + 1), "msg 1", "msg\n1", "msg_\u00e9"}) {
            Map<String, String> headers = Map.of(
                    Signatures.ID_HEADER,
                    id,
                    Signatures.TIMESTAMP_HEADER,
                    Long.toString(now),
                    Signatures.SIGNATURE_HEADER,
                    signatures.sign(id, now, BODY));
            assertThat(failure(signatures, headers)).as(id).isEqualTo(Signatures.ID_HEADER);
        }
        String longest = "x".repeat(Signatures.MAX_MESSAGE_ID_LENGTH);
        Map<String, String> headers = Map.of(
                Signatures.ID_HEADER,
                longest,
                Signatures.TIMESTAMP_HEADER,
                Long.toString(now),
                Signatures.SIGNATURE_HEADER,
                signatures.sign(longest, now, BODY));
        assertThatCode(() -> signatures.verify(BODY, headers::get)).doesNotThrowAnyException();
    }

    @Test
    void bearer_tokens_differing_in_one_byte_or_in_length_are_refused() {
        Signatures signatures = Signatures.of(List.of("plain-secret"));
        assertThat(signatures.acceptsBearer("Bearer xlain-secret")).isFalse();
        assertThat(signatures.acceptsBearer("Bearer plain-secreT")).isFalse();
        assertThat(signatures.acceptsBearer("Bearer plain-secret-")).isFalse();
        assertThat(signatures.acceptsBearer("Bearer plain")).isFalse();
        assertThat(signatures.acceptsBearer("Bearer ")).isFalse();
        assertThat(signatures.acceptsBearer("Bearer")).isFalse();
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new HashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    private static String failure(Signatures signatures, Map<String, String> headers) {
        try {
            signatures.verify(BODY, headers::get);
            throw new AssertionError("verified: " + headers);
        } catch (Signatures.SignatureException e) {
            return e.header();
        }
    }
}
