package dev.repoworker.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing and verification: {@code webhook-signature: v1,<base64 HMAC-SHA256(id.timestamp.body)>}.
 *
 * <p>Several secrets may be configured for rotation: the first one signs, any of them verifies, and
 * any of the space-separated signatures in the header may match. Secrets in the {@code whsec_<base64>}
 * form are decoded; any other non-blank string is used as raw UTF-8 key bytes (the original's plain
 * {@code WORKER_SECRET}).
 */
public final class Signatures {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);
    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Ours are {@code msg_} and 32 hex digits; other Standard Webhooks senders use similar short ids. */
    public static final int MAX_MESSAGE_ID_LENGTH = 256;

    private static final Pattern MESSAGE_ID = Pattern.compile("[\\x21-\\x7e]{1," + MAX_MESSAGE_ID_LENGTH + "}");

    private final List<byte[]> keys;
    private final List<byte[]> rawSecrets;
    private final Duration tolerance;
    private final Clock clock;

    private Signatures(List<String> secrets, Duration tolerance, Clock clock) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is required");
        }
        this.keys = secrets.stream().map(Signatures::decodeSecret).toList();
        this.rawSecrets =
                secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    public static Signatures of(List<String> secrets) {
        return new Signatures(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    public static Signatures of(List<String> secrets, Duration tolerance, Clock clock) {
        return new Signatures(secrets, tolerance, clock);
    }

    /** A fresh random secret in the {@code whsec_} form. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The three headers for sending {@code body} now, with a new message id. */
    public Map<String, String> headersFor(String body) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        long timestamp = clock.instant().getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, id);
        headers.put(TIMESTAMP_HEADER, Long.toString(timestamp));
        headers.put(SIGNATURE_HEADER, sign(id, timestamp, body));
        return headers;
    }

    /** {@code v1,<base64>} computed with the first (current) secret. */
    public String sign(String id, long timestamp, String body) {
        return VERSION + "," + Base64.getEncoder().encodeToString(hmac(keys.get(0), id, timestamp, body));
    }

    /**
     * Checks the Standard Webhooks headers of a request.
     *
     * <p>This proves who sent the request and that it is recent, not that it is new: a copy of it
     * verifies just as well until its timestamp leaves the tolerance. Receivers that must not act twice
     * remember {@link Verified#messageId()} until {@link Verified#replayableUntil()}.
     *
     * @param header looks a request header up by its (case-insensitive) name; null when absent
     * @return the verified message's id and how long a copy of it would still verify
     * @throws SignatureException naming what is wrong and in which header
     */
    public Verified verify(String body, Function<String, String> header) throws SignatureException {
        Pending pending = start(header);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        pending.update(bytes, 0, bytes.length);
        return pending.finish();
    }

    /**
     * {@link #verify} for a body read as a stream: the headers (presence, message id, timestamp) are checked
     * now, the body's bytes are fed to {@link Pending#update} as they are read, and {@link Pending#finish} checks
     * the signature, so the body never has to be held as a whole.
     */
    public Pending start(Function<String, String> header) throws SignatureException {
        String id = header.apply(ID_HEADER);
        String timestampText = header.apply(TIMESTAMP_HEADER);
        String signatureHeader = header.apply(SIGNATURE_HEADER);
        for (String[] required :
                new String[][] {{ID_HEADER, id}, {TIMESTAMP_HEADER, timestampText}, {SIGNATURE_HEADER, signatureHeader}
                }) {
            if (isBlank(required[1])) {
                throw new SignatureException(
                        required[0], "missing webhook-id, webhook-timestamp or webhook-signature header");
            }
        }
        if (!MESSAGE_ID.matcher(id).matches()) {
            throw new SignatureException(
                    ID_HEADER, "webhook-id must be 1 to " + MAX_MESSAGE_ID_LENGTH + " visible ASCII characters");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampText.trim());
        } catch (NumberFormatException e) {
            throw new SignatureException(TIMESTAMP_HEADER, "webhook-timestamp is not a number of seconds");
        }
        long now = clock.instant().getEpochSecond();
        // compared without subtracting: now - timestamp overflows for timestamps near Long.MIN_VALUE
        if (timestamp < now - tolerance.toSeconds() || timestamp > now + tolerance.toSeconds()) {
            throw new SignatureException(
                    TIMESTAMP_HEADER, "webhook-timestamp is outside the tolerance of " + tolerance.toSeconds() + " s");
        }
        return new Pending(id, timestamp, signatureHeader);
    }

    /** A message whose headers checked out and whose body is being read: one HMAC per configured secret. */
    public final class Pending {
        private final String id;
        private final long timestamp;
        private final String signatureHeader;
        private final List<Mac> macs;

        private Pending(String id, long timestamp, String signatureHeader) {
            this.id = id;
            this.timestamp = timestamp;
            this.signatureHeader = signatureHeader;
            byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            this.macs = keys.stream()
                    .map(key -> {
                        Mac mac = mac(key);
                        mac.update(prefix);
                        return mac;
                    })
                    .toList();
        }

        /** The next bytes of the body, as received. */
        public void update(byte[] bytes, int offset, int length) {
            macs.forEach(mac -> mac.update(bytes, offset, length));
        }

        /** Checks the signature over everything fed so far. */
        public Verified finish() throws SignatureException {
            boolean match = false;
            for (Mac mac : macs) {
                match |= matches(mac.doFinal(), signatureHeader);
            }
            if (match) {
                // the check above compares whole seconds: a copy verifies until the second after timestamp + tolerance
                return new Verified(
                        id, Instant.ofEpochSecond(timestamp).plus(tolerance).plusSeconds(1));
            }
            throw new SignatureException(SIGNATURE_HEADER, "webhook-signature does not match");
        }
    }

    private static boolean matches(byte[] expected, String signatureHeader) {
        boolean match = false;
        for (String candidate : signatureHeader.trim().split(" +")) {
            int comma = candidate.indexOf(',');
            if (comma < 0 || !VERSION.equals(candidate.substring(0, comma))) {
                continue;
            }
            try {
                match |= ConstantTime.equals(expected, Base64.getDecoder().decode(candidate.substring(comma + 1)));
            } catch (IllegalArgumentException notBase64) {
                // another candidate may still match
            }
        }
        return match;
    }

    /** The original API's {@code Authorization: Bearer <secret>}, compared in constant time. */
    public boolean acceptsBearer(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] secret : rawSecrets) {
            match |= ConstantTime.equals(secret, given);
        }
        return match;
    }

    /** The current secret as configured, for the {@code Authorization: Bearer} form. */
    public String bearerToken() {
        return new String(rawSecrets.get(0), StandardCharsets.UTF_8);
    }

    private static byte[] decodeSecret(String secret) {
        if (isBlank(secret)) {
            throw new IllegalArgumentException("a webhook secret must not be blank");
        }
        if (secret.startsWith(SECRET_PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a whsec_ secret must be followed by base64");
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String id, long timestamp, String body) {
        return mac(key).doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /**
     * A message whose signature verified: its {@code webhook-id}, and the first moment at which a copy of
     * it (the same headers and body) no longer verifies, so a replay guard can forget it then.
     */
    public record Verified(String messageId, Instant replayableUntil) {}

    /** A request whose signature could not be verified; the message says why, {@link #header()} where. */
    public static final class SignatureException extends Exception {
        private final String header;

        public SignatureException(String header, String message) {
            super(message);
            this.header = header;
        }

        /** The header at fault: {@code webhook-id}, {@code webhook-timestamp} or {@code webhook-signature}. */
        public String header() {
            return header;
        }
    }
}
