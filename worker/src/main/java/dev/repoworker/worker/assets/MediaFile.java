package dev.repoworker.worker.assets;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A media file of the vault: its hash (sha256 of the bytes), its dimensions read from the header (images),
 * the variants it will have, or why it is refused.
 */
record MediaFile(
        String path,
        Path file,
        Vault.Kind kind,
        long size,
        String hash,
        int width,
        int height,
        Optional<String> refused,
        List<Variant> variants,
        Optional<String> original) {

    /** One output file: {@code media/{hash}-{size}.{format}}. */
    @JsonPropertyOrder({"size", "format", "width", "height", "file", "url"})
    record Variant(String size, String format, int width, int height, String file, String url) {}

    String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The variant posts show: the lg WebP, else the largest WebP there is. */
    Optional<Variant> display() {
        return variants.stream()
                .filter(v -> v.format().equals("webp") && v.size().equals("lg"))
                .findFirst()
                .or(() ->
                        variants.stream().filter(v -> v.format().equals("webp")).reduce((a, b) -> b));
    }
}
