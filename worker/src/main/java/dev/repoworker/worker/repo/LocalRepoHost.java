package dev.repoworker.worker.repo;

import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskFailedException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.StoredConfig;

/**
 * Repositories in a local directory ({@code LOCAL_REPO_ROOT}), for self-hosting and tests: the
 * template's files become one fresh initial commit (no template history) in a new bare repository
 * {@code <root>/<name>.git}, cloneable with the real git CLI over {@code file://}.
 */
public final class LocalRepoHost implements RepoHost {

    private static final PersonIdent AUTHOR = new PersonIdent("Repo Worker", "repo-worker@localhost");

    private final Path root;
    private final Git git;

    public LocalRepoHost(Path root, Git git) {
        this.root = root.toAbsolutePath().normalize();
        this.git = git;
    }

    @Override
    public String name() {
        return "local";
    }

    @Override
    public void check(TemplateRequest request) {
        // any allowed template URL will do; the name is checked by the task
    }

    @Override
    public NewRepo create(TemplateRequest request, TaskContext context)
            throws TaskFailedException, InterruptedException {
        Path template = context.workspace().resolve("template");
        context.progress(
                "template", 0, 3, "fetching the template " + RepoUrlPolicy.displayUrl(request.templateRepoUrl()));
        git.cloneRepo(
                new CloneRequest(
                        request.templateRepoUrl(), request.templateBranch(), 1, Optional.empty(), request.token()),
                template,
                GitProgress.NONE);
        context.checkCancelled();
        Path bare = root.resolve(request.newRepoName() + ".git");
        try {
            Files.createDirectories(root);
            Files.createDirectory(bare);
        } catch (FileAlreadyExistsException e) {
            throw new TaskFailedException("repository already exists");
        } catch (IOException e) {
            throw new TaskFailedException("cannot create the repository under LOCAL_REPO_ROOT");
        }
        try {
            context.progress("template", 1, 3, "creating " + request.newRepoName());
            Path fresh = context.workspace().resolve("fresh");
            copyWithoutGit(template, fresh);
            try (org.eclipse.jgit.api.Git repo = org.eclipse.jgit.api.Git.init()
                    .setDirectory(fresh.toFile())
                    .setInitialBranch("main")
                    .call()) {
                repo.add().addFilepattern(".").call();
                repo.commit()
                        .setAuthor(AUTHOR)
                        .setCommitter(AUTHOR)
                        .setSign(false)
                        .setMessage(
                                "Initial commit from template " + RepoUrlPolicy.displayUrl(request.templateRepoUrl()))
                        .call();
            }
            try (org.eclipse.jgit.api.Git created = org.eclipse.jgit.api.Git.cloneRepository()
                    .setBare(true)
                    .setURI(fresh.toUri().toString())
                    .setDirectory(bare.toFile())
                    .call()) {
                StoredConfig config = created.getRepository().getConfig();
                config.unsetSection("remote", "origin");
                request.description().ifPresent(d -> config.setString("gitweb", null, "description", d));
                config.setBoolean("repoworker", null, "private", request.isPrivate());
                config.save();
                Files.writeString(
                        bare.resolve("description"), request.description().orElse("") + "\n");
            }
            context.progress("template", 2, 3, "created " + request.newRepoName());
        } catch (GitAPIException | IOException e) {
            deleteQuietly(bare);
            throw new TaskFailedException(
                    "could not create the repository: " + e.getClass().getSimpleName());
        }
        String url = bare.toUri().toString();
        return new NewRepo(
                request.newRepoName(), "local/" + request.newRepoName(), url, url, request.isPrivate(), "main");
    }

    private static void copyWithoutGit(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName() != null && dir.getFileName().toString().equals(".git")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!file.getFileName().toString().equals(".git")) {
                    Files.copy(
                            file,
                            to.resolve(from.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a half-made repository is worse than a leftover empty folder
        }
    }
}
