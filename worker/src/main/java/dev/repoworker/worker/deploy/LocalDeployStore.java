package dev.repoworker.worker.deploy;

import dev.repoworker.protocol.Json;
import dev.repoworker.worker.artifacts.CachePolicy;
import dev.repoworker.worker.artifacts.Manifest;
import dev.repoworker.worker.artifacts.StoredArtifacts;
import dev.repoworker.worker.workspace.Workspaces;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Deploys under {@code ARTIFACTS_DIR/projects/}: a deploy is copied to a staging folder and moved into place; the
 * pointer's version is the sha256 of its bytes, and a replacement holds a file lock while it compares and writes,
 * so Workers sharing the disk take turns.
 */
final class LocalDeployStore implements DeployStore {

    private static final ConcurrentMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final Path projects;

    LocalDeployStore(Path artifactsRoot) {
        this.projects = artifactsRoot.toAbsolutePath().normalize().resolve("projects");
    }

    @Override
    public String kind() {
        return "local";
    }

    @Override
    public StoredFiles publishFiles(
            String projectId,
            String jobId,
            Path artifacts,
            Manifest.Content content,
            Optional<StoredArtifacts> published)
            throws IOException {
        Path project = Files.createDirectories(projects.resolve(projectId));
        Path staging = project.resolve("." + jobId + ".staging");
        Path earlier = project.resolve("." + jobId + ".earlier");
        // what an attempt that stopped midway left
        deleteIfThere(staging);
        deleteIfThere(earlier);
        Workspaces.copyTree(artifacts, staging);
        Path target = project.resolve(jobId);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            // a retried job: a folder is replaced only when empty, so the earlier attempt's is moved aside first
            Files.move(target, earlier, StandardCopyOption.ATOMIC_MOVE);
            Workspaces.deleteTree(earlier);
        }
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        int media = (int) content.entries().stream()
                .filter(e -> CachePolicy.isContentHashed(e.path()))
                .count();
        return new StoredFiles(content.files(), content.totalBytes(), media, 0);
    }

    private static void deleteIfThere(Path folder) throws IOException {
        if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
            Workspaces.deleteTree(folder);
        }
    }

    @Override
    public Optional<VersionedPointer> readPointer(String projectId) throws IOException {
        Path file = projects.resolve(projectId).resolve(Deployments.ACTIVE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        return Optional.of(
                new VersionedPointer(Json.mapper().readValue(bytes, ActivePointer.class), Manifest.sha256(bytes)));
    }

    @Override
    public boolean replacePointer(String projectId, ActivePointer next, Optional<String> expected) throws IOException {
        Path project = Files.createDirectories(projects.resolve(projectId));
        // A file lock keeps other processes out; threads of this JVM queue on the project's own lock first.
        ReentrantLock local = LOCKS.computeIfAbsent(project, p -> new ReentrantLock());
        local.lock();
        try (FileChannel channel = FileChannel.open(
                        project.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            if (!readPointer(projectId).map(VersionedPointer::version).equals(expected)) {
                return false;
            }
            Path temporary = project.resolve(Deployments.ACTIVE + ".tmp");
            Files.write(temporary, Json.writeBytes(next));
            Files.move(
                    temporary,
                    project.resolve(Deployments.ACTIVE),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            return true;
        } finally {
            local.unlock();
        }
    }

    @Override
    public List<DeployFolder> folders(String projectId) throws IOException {
        Path project = projects.resolve(projectId);
        if (!Files.isDirectory(project)) {
            return List.of();
        }
        List<Path> entries;
        try (Stream<Path> listed = Files.list(project)) {
            entries = listed.toList();
        }
        List<DeployFolder> folders = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.equals(Deployments.SHARED) || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Path manifest = entry.resolve(Manifest.FILE_NAME);
                // a staging folder holds the manifest from the start, yet is a deploy in flight, never a complete one
                boolean staging = name.startsWith(".");
                Optional<Instant> published = !staging && Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)
                        ? Optional.of(Files.getLastModifiedTime(manifest).toInstant())
                        : Optional.empty();
                folders.add(new DeployFolder(
                        name,
                        published,
                        Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS)
                                .toInstant()));
            } catch (NoSuchFileException e) {
                // moved into place or deleted by another deploy since the listing: not one to prune
            }
        }
        return folders;
    }

    @Override
    public void deleteFolder(String projectId, String folder) throws IOException {
        Path target = projects.resolve(projectId).resolve(folder);
        Files.deleteIfExists(target.resolve(Manifest.FILE_NAME));
        deleteIfThere(target);
    }

    @Override
    public int pruneSharedMedia(String projectId, Instant before) {
        return 0;
    }
}
