package dev.repoworker.api.search;

import dev.repoworker.embeddings.ComputeEmbeddings;
import dev.repoworker.objectstore.ObjectKeys;
import dev.repoworker.objectstore.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Search indexes of jobs whose artifacts are on S3 ({@code {S3_PREFIX}{jobId}/embeddings/}), downloaded once into
 * a local folder and kept while they fit in {@code maxBytes}: the least recently searched are deleted first. A
 * job's first requests, however many at once, download it once. An index is complete when it appears: it is
 * downloaded beside the cache and moved into place.
 */
public final class S3IndexCache implements IndexFolders, AutoCloseable {

    private record Entry(Path dir, long bytes) {}

    private final S3Client s3;
    private final S3Settings settings;
    private final Path root;
    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final ConcurrentHashMap<String, CompletableFuture<Path>> downloads = new ConcurrentHashMap<>();
    private long totalBytes;

    /** @param parent where this process makes its own cache folder, removed on {@link #close} */
    public S3IndexCache(S3Client s3, S3Settings settings, Path parent, long maxBytes) {
        this.s3 = s3;
        this.settings = settings;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(parent);
            this.root = Files.createTempDirectory(parent, "indexes-");
        } catch (IOException e) {
            throw new UncheckedIOException("the search cache folder " + parent + " cannot be made", e);
        }
    }

    @Override
    public Path of(String jobId) throws IOException {
        Path cached = cached(jobId);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> running = downloads.putIfAbsent(jobId, mine);
        if (running != null) {
            return await(running);
        }
        try {
            // a download that ended between the look-up and putIfAbsent is in the cache already
            Path dir = cached(jobId);
            if (dir == null) {
                dir = download(jobId);
            }
            mine.complete(dir);
            return dir;
        } catch (IOException | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            downloads.remove(jobId, mine);
        }
    }

    /** How many bytes the cache holds now. */
    public synchronized long bytes() {
        return totalBytes;
    }

    private synchronized Path cached(String jobId) {
        Entry entry = entries.get(jobId);
        return entry == null ? null : entry.dir();
    }

    private Path download(String jobId) throws IOException {
        String folder = ObjectKeys.jobFolder(settings.prefix(), jobId) + ComputeEmbeddings.OUTPUT_DIR + "/";
        List<S3Object> objects =
                s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(folder)).contents().stream()
                        .toList();
        if (objects.isEmpty()) {
            throw new NoSuchFileException(folder);
        }
        Path staging = Files.createTempDirectory(root, ".download-");
        long bytes = 0;
        try {
            for (S3Object object : objects) {
                String name = object.key().substring(folder.length());
                if (name.endsWith("/")) {
                    continue; // a folder marker, as some stores list them
                }
                if (!ObjectKeys.isSafeRelative(name)) {
                    throw new IOException("the index of job " + jobId + " holds a key that leaves its folder");
                }
                Path target = staging.resolve(name);
                Files.createDirectories(target.getParent());
                s3.getObject(b -> b.bucket(settings.bucket()).key(object.key()), target);
                bytes += object.size();
            }
            Path dir = root.resolve(jobId);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            admit(jobId, new Entry(dir, bytes));
            return dir;
        } finally {
            deleteQuietly(staging);
        }
    }

    /** Adds the entry, then deletes the least recently used others until the cache fits (the new one stays). */
    private synchronized void admit(String jobId, Entry entry) {
        entries.put(jobId, entry);
        totalBytes += entry.bytes();
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while (totalBytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, Entry> next = eldest.next();
            if (next.getKey().equals(jobId)) {
                continue;
            }
            eldest.remove();
            totalBytes -= next.getValue().bytes();
            // a search that has the files open keeps reading them: deleted files stay mapped until closed
            deleteQuietly(next.getValue().dir());
        }
    }

    private static Path await(CompletableFuture<Path> download) throws IOException {
        try {
            return download.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the index downloads", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException(e.getCause());
        }
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // left for the next start's folder clean-up of its parent by an operator; nothing reads it again
        }
    }

    /** Deletes this process's cache folder and closes the S3 client. */
    @Override
    public void close() {
        deleteQuietly(root);
        s3.close();
    }
}
