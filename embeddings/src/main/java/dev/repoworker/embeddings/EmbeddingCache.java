package dev.repoworker.embeddings;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * Vectors by content: {@code <dir>/<model>/<sha[0..2]>/<sha256 of the chunk text>.f32}, raw
 * little-endian float32. Writes go to a unique temporary file in the same folder, then an atomic
 * move, so concurrent jobs on one worker (or several workers on a shared volume) never see a torn
 * file; a file of the wrong length is treated as a miss and rewritten.
 */
public final class EmbeddingCache {

    private final Path dir;

    public EmbeddingCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Hex sha256 of the text's UTF-8 bytes. */
    public static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<float[]> get(String model, String sha, int dimension) throws IOException {
        Path file = file(model, sha);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length != dimension * Float.BYTES) {
            return Optional.empty();
        }
        float[] vector = new float[dimension];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return Optional.of(vector);
    }

    public void put(String model, String sha, float[] vector) throws IOException {
        Path file = file(model, sha);
        Files.createDirectories(file.getParent());
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        Path temp = file.resolveSibling(sha + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(temp, buffer.array());
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    Path file(String model, String sha) {
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256: " + sha);
        }
        return dir.resolve(safe(model)).resolve(sha.substring(0, 2)).resolve(sha + ".f32");
    }

    /** A model name as one safe path segment (hosted names may hold '/' or ':'). */
    static String safe(String model) {
        String cleaned = model.replaceAll("[^A-Za-z0-9._-]", "_");
        if (cleaned.isEmpty() || cleaned.chars().allMatch(c -> c == '.')) {
            cleaned = "_" + cleaned;
        }
        return cleaned.equals(model) ? cleaned : cleaned + "-" + sha256(model).substring(0, 8);
    }
}
