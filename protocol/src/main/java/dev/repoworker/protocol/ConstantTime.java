package dev.repoworker.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one comparison for secrets (webhook secrets, bearer tokens, signatures, dashboard tokens): its
 * time depends neither on where the two values differ nor on the secret's length. Both values are
 * hashed first, so {@link MessageDigest#isEqual} always compares two 32-byte digests; hashing the
 * given value takes time proportional to its length only, which its sender already knows.
 */
public final class ConstantTime {

    private ConstantTime() {}

    /** True when both are present and equal; null never matches anything, not even null. */
    public static boolean equals(byte[] expected, byte[] given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(expected), sha256(given));
    }

    /** {@link #equals(byte[], byte[])} of the UTF-8 bytes. */
    public static boolean equals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return equals(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
