package dev.repoworker.api.artifacts;

import dev.repoworker.api.artifacts.ArtifactReader.Artifact;
import dev.repoworker.objectstore.ContentTypes;
import dev.repoworker.objectstore.ObjectKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A job's artifacts as files under {@code ARTIFACTS_DIR/{jobId}/} (the layout of the Worker's local
 * artifact store). Every path is checked segment by segment and again after resolving links, so
 * nothing outside the job's folder can be read: no {@code ..}, no absolute paths, no backslashes,
 * no control characters, no symbolic link leading out.
 */
public final class ArtifactFiles {

    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int MAX_LISTED = 1000;
    private final Path root;

    public ArtifactFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The file for {@code relativePath} of {@code jobId}, if it is a regular file inside the job's folder. */
    public Optional<Path> find(String jobId, String relativePath) {
        Optional<Path> folder = jobFolder(jobId);
        if (folder.isEmpty() || !isSafeRelative(relativePath)) {
            return Optional.empty();
        }
        Path candidate = folder.get().resolve(relativePath).normalize();
        if (!candidate.startsWith(folder.get()) || !Files.isRegularFile(candidate)) {
            return Optional.empty();
        }
        try {
            Path real = candidate.toRealPath();
            Path realFolder = folder.get().toRealPath();
            return real.startsWith(realFolder) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Every regular file of the job, sorted by path (links are not followed); empty when there are none. */
    public List<Artifact> list(String jobId) {
        Optional<Path> folder = jobFolder(jobId);
        if (folder.isEmpty() || !Files.isDirectory(folder.get(), LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Artifact> artifacts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder.get())) {
            files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .limit(MAX_LISTED)
                    .forEach(p -> {
                        String relative = folder.get().relativize(p).toString().replace('\\', '/');
                        artifacts.add(new Artifact(relative, size(p), contentType(relative)));
                    });
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        artifacts.sort((a, b) -> a.path().compareTo(b.path()));
        return artifacts;
    }

    /** The content type by file extension; {@code application/octet-stream} when unknown. */
    public static String contentType(String path) {
        return ContentTypes.of(path);
    }

    /** A relative path of plain segments: no empty, {@code .} or {@code ..} segment, no backslash, colon or control character. */
    public static boolean isSafeRelative(String path) {
        return ObjectKeys.isSafeRelative(path);
    }

    private Optional<Path> jobFolder(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches() || jobId.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(root.resolve(jobId));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }
}
