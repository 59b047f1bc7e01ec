package dev.repoworker.api.github;

import dev.repoworker.protocol.ConstantTime;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** GitHub's webhook signature: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}. */
public final class GitHubSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    private static final String PREFIX = "sha256=";

    private GitHubSignature() {}

    /** The header value GitHub sends for {@code body} signed with {@code secret}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** True when {@code header} is the signature of {@code body} with {@code secret}; a missing header never is. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        return ConstantTime.equals(sign(secret, body), header.strip().toLowerCase(Locale.ROOT));
    }
}
