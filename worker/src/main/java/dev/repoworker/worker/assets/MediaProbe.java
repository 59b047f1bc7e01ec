package dev.repoworker.worker.assets;

import dev.repoworker.worker.artifacts.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The scan phase of {@link MediaOptimizer}: hashes a media file, reads an image's dimensions from its header, and
 * plans its variants, or refuses it (with an issue) when it is too large, active, not what its name says or unreadable.
 */
final class MediaProbe {

    private static final byte[] PDF_MAGIC = "%PDF-".getBytes(StandardCharsets.US_ASCII);

    private MediaProbe() {}

    static MediaFile probe(Vault.Entry entry, BuildOptions options, Issues issues) throws IOException {
        if (entry.size() > options.limits().maxMediaBytes()) {
            issues.add(
                    Issue.FILE_TOO_LARGE,
                    entry.path(),
                    0,
                    "media file of " + entry.size() + " bytes is over the limit of "
                            + options.limits().maxMediaBytes() + "; skipped");
            return refused(entry, "", "file too large");
        }
        String hash = Manifest.sha256(entry.file());
        Optional<String> unpublishable = unpublishable(entry, issues);
        if (unpublishable.isPresent()) {
            return refused(entry, hash, unpublishable.get());
        }
        if (entry.kind() != Vault.Kind.IMAGE) {
            String original = options.mediaBase() + "/" + hash + "." + Vault.extension(entry.path());
            return mediaFile(entry, hash, 0, 0, Optional.empty(), List.of(), Optional.of(original));
        }
        return probeImage(entry, hash, options, issues);
    }

    /** Why an SVG or PDF must not be published (reported as an issue), if it must not. */
    private static Optional<String> unpublishable(Vault.Entry entry, Issues issues) throws IOException {
        if (entry.kind() == Vault.Kind.SVG) {
            Optional<String> active = SvgCheck.activeContent(entry.file());
            if (active.isPresent()) {
                issues.add(
                        Issue.ACTIVE_CONTENT,
                        entry.path(),
                        0,
                        "SVG holds active content (" + active.get() + "); not published");
                return Optional.of("active content");
            }
        }
        if (entry.kind() == Vault.Kind.PDF && !startsWith(entry.file(), PDF_MAGIC)) {
            issues.add(Issue.MEDIA_FAILED, entry.path(), 0, "not a PDF (no %PDF- header); not published");
            return Optional.of("not a pdf");
        }
        return Optional.empty();
    }

    /** An image with its variants planned, or refused when its header is unreadable or declares too many pixels. */
    private static MediaFile probeImage(Vault.Entry entry, String hash, BuildOptions options, Issues issues)
            throws IOException {
        int[] dims = dimensions(entry.file());
        if (dims == null) {
            issues.add(Issue.MEDIA_FAILED, entry.path(), 0, "not a readable image (unknown or broken header)");
            return refused(entry, hash, "unreadable");
        }
        int width = dims[0];
        int height = dims[1];
        long pixels = (long) width * height;
        if (pixels > options.limits().maxImagePixels() || width <= 0 || height <= 0) {
            issues.add(
                    Issue.IMAGE_TOO_LARGE,
                    entry.path(),
                    0,
                    "image declares " + width + "x" + height + " pixels, over the limit of "
                            + options.limits().maxImagePixels() + "; not decoded");
            return mediaFile(entry, hash, width, height, Optional.of("too many pixels"), List.of(), Optional.empty());
        }
        List<MediaFile.Variant> variants = MediaOptimizer.plan(hash, width, height, options.mediaBase());
        return mediaFile(entry, hash, width, height, Optional.empty(), variants, Optional.empty());
    }

    /** The PDF viewer shows the file in a frame of the site's origin: it must be a PDF, not a page named like one. */
    private static boolean startsWith(Path file, byte[] magic) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(magic.length), magic);
        }
    }

    private static MediaFile refused(Vault.Entry entry, String hash, String why) {
        return mediaFile(entry, hash, 0, 0, Optional.of(why), List.of(), Optional.empty());
    }

    private static MediaFile mediaFile(
            Vault.Entry entry,
            String hash,
            int width,
            int height,
            Optional<String> refused,
            List<MediaFile.Variant> variants,
            Optional<String> original) {
        return new MediaFile(
                entry.path(),
                entry.file(),
                entry.kind(),
                entry.size(),
                hash,
                width,
                height,
                refused,
                variants,
                original);
    }

    /** Width and height from the image header only (no pixels decoded), or null. */
    static int[] dimensions(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return null;
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } catch (IOException | RuntimeException e) {
                return null;
            } finally {
                reader.dispose();
            }
        }
    }
}
