package dev.repoworker.embeddings;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One hash over everything a post's chunks and index documents are made from: its fields and the version of the
 * chunking code. A post whose hash is the one an earlier index recorded keeps its chunks, vectors and documents
 * there, without being chunked again; any other is chunked and written again.
 */
final class PostHash {

    /** Raise with any change to {@link Chunker} or {@link PostText} that changes which chunks a post gives. */
    static final int CHUNKING_VERSION = 1;

    private PostHash() {}

    static String of(Post post) {
        MessageDigest digest = sha256();
        add(digest, Integer.toString(CHUNKING_VERSION));
        add(digest, post.slug());
        add(digest, post.title());
        add(digest, post.url());
        add(digest, post.html());
        add(digest, post.plain());
        for (Post.TocEntry entry : post.toc()) {
            add(digest, entry.level() + " " + entry.id());
            add(digest, entry.text());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Length-prefixed (null apart from empty), so that no two different sequences of strings hash alike. */
    private static void add(MessageDigest digest, String value) {
        byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Integer.BYTES)
                .putInt(value == null ? -1 : bytes.length)
                .array());
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
