package dev.repoworker.embeddings;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hash over everything a post's index documents are made of (its slug, title, url and every chunk: text, body,
 * headings, anchor, span). A post whose hash is the one an earlier index recorded keeps its documents and vectors
 * there; any other is written again.
 */
final class PostHash {

    private PostHash() {
    }

    static String of(Post post, List<Chunk> chunks) {
        MessageDigest digest = sha256();
        add(digest, post.slug());
        add(digest, post.title());
        add(digest, post.url());
        for (Chunk chunk : chunks) {
            add(digest, chunk.text());
            add(digest, chunk.body());
            add(digest, String.join("\u001f", chunk.headingPath()));
            add(digest, chunk.anchor());
            add(digest, chunk.start() + ":" + chunk.end());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Chunks by slug, each post's in order. */
    static Map<String, List<Chunk>> group(List<Chunk> chunks) {
        Map<String, List<Chunk>> bySlug = new LinkedHashMap<>();
        for (Chunk chunk : chunks) {
            bySlug.computeIfAbsent(chunk.slug(), s -> new ArrayList<>()).add(chunk);
        }
        return bySlug;
    }

    /** Length-prefixed, so that no two different sequences of strings hash alike. */
    private static void add(MessageDigest digest, String value) {
        byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
