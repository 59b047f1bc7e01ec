package dev.repoworker.api.job;

import dev.repoworker.protocol.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-job capability tokens for callbacks from senders that do not sign (the original Worker posts its
 * callback with a plain {@code fetch}). Each job gets a random 256-bit token when it is created (and a new one
 * when it is retried); the job row keeps only its SHA-256, and the token itself rides encrypted with the job's
 * sealed secrets, which are dropped once the job is final. The dispatcher puts it in the job's
 * {@code callbackUrl} ({@code ?token=…}); a callback that presents it is authenticated for that job only.
 */
public final class CallbackTokens {

    /** The token's key in a job's sealed secrets; whatever a client sends under it is overwritten. */
    static final String SEALED_KEY = "$callbackToken";
    /** The query parameter (and path segment) a callback presents its token in. */
    public static final String PARAMETER = "token";

    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private CallbackTokens() {}

    /** A new token and the hash the job store keeps of it. */
    public record Issued(String token, String hash) {
        @Override
        public String toString() {
            return "Issued[token=" + Secrets.REDACTED + "]";
        }
    }

    /** A job's opened secrets split into its callback token (null for a job created before tokens) and the rest. */
    public record Opened(String token, Map<String, Object> secrets) {
        @Override
        public String toString() {
            return "Opened[" + Secrets.REDACTED + "]";
        }
    }

    public static Issued issue() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return new Issued(token, hash(token));
    }

    /** Hex SHA-256 of the token: what the job row keeps. */
    static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** True when {@code given} is the token whose hash is {@code storedHash}; compared in constant time. */
    public static boolean matches(String storedHash, String given) {
        if (storedHash == null || given == null || given.isEmpty()) {
            return false;
        }
        return ConstantTime.equals(storedHash, hash(given));
    }

    /** The secrets to seal for a job: {@code secretData} with its token. */
    public static Map<String, Object> sealedWith(Map<String, Object> secretData, String token) {
        Map<String, Object> sealed = new LinkedHashMap<>(secretData);
        sealed.put(SEALED_KEY, token);
        return sealed;
    }

    public static Opened open(Map<String, Object> openedSecrets) {
        Map<String, Object> rest = new LinkedHashMap<>(openedSecrets);
        Object token = rest.remove(SEALED_KEY);
        return new Opened(token instanceof String text ? text : null, rest);
    }

    /** {@code callbackUrl} with the token as its {@code token} query parameter (base64url needs no escaping). */
    public static String url(String callbackUrl, String token) {
        if (token == null) {
            return callbackUrl;
        }
        return callbackUrl + (callbackUrl.contains("?") ? "&" : "?") + PARAMETER + "=" + token;
    }

    /** {@code url} as {@link #url} built it, without its token. */
    public static String withoutToken(String url) {
        int at = Math.max(url.lastIndexOf("?" + PARAMETER + "="), url.lastIndexOf("&" + PARAMETER + "="));
        return at < 0 ? url : url.substring(0, at);
    }
}
