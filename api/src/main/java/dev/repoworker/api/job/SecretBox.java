package dev.repoworker.api.job;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.repoworker.protocol.Env;
import dev.repoworker.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-GCM encryption of a job's secrets at rest. Each sealed value carries its own random IV and is
 * bound to its job id, so a sealed blob copied to another job does not open.
 */
public final class SecretBox {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private final SecretKeySpec key;

    private SecretBox(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A key given as base64 of 16, 24 or 32 bytes ({@code SECRETS_KEY}). */
    public static SecretBox fromBase64(String variable, String text) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.trim());
        } catch (IllegalArgumentException e) {
            throw new Env.InvalidConfigException(variable, "must be base64 of a 16, 24 or 32 byte AES key");
        }
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new Env.InvalidConfigException(
                    variable, "must be base64 of a 16, 24 or 32 byte AES key, got " + key.length + " bytes");
        }
        return new SecretBox(key);
    }

    /** The key stored in {@code file}, generated there (readable by the owner only) on first use. */
    public static SecretBox loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] key = new byte[32];
                RANDOM.nextBytes(key);
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "secrets", ".tmp");
                restrict(tmp);
                Files.writeString(tmp, Base64.getEncoder().encodeToString(key));
                try {
                    Files.move(tmp, file);
                } catch (IOException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return fromBase64("SECRETS_KEY (from " + file + ")", Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secrets key " + file, e);
        }
    }

    /** The sealed secrets of job {@code jobId}, or null when there are none. */
    public String seal(String jobId, Map<String, Object> secrets) {
        if (secrets == null || secrets.isEmpty()) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(Json.writeBytes(secrets));
            return Base64.getEncoder()
                    .encodeToString(ByteBuffer.allocate(iv.length + sealed.length)
                            .put(iv)
                            .put(sealed)
                            .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt secrets", e);
        }
    }

    public Map<String, Object> open(String jobId, String sealed) {
        if (sealed == null) {
            return Map.of();
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, IV_BYTES));
            cipher.updateAAD(jobId.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(all, IV_BYTES, all.length - IV_BYTES);
            return Json.mapper().readValue(plain, MAP);
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot decrypt the secrets of job " + jobId + " (was SECRETS_KEY changed?)");
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: rely on the directory's permissions
        }
    }
}
