package dev.repoworker.worker.repo;

import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Repositories shared by the repo tests: {@code notes} (three commits on main, a {@code feature}
 * branch) served over file:// and smart HTTP, and a private copy that needs {@link #TOKEN}.
 */
final class GitFixture implements AutoCloseable {

    static final String TOKEN = "ghp_S3cretT0kenForTests_9f8e7d6c5b4a";
    static final String WRONG_TOKEN = "ghp_WrongT0ken_0000000000000000";

    final Path root;
    final Path served;
    final TestRepos.Repo source;
    final String firstCommit;
    final String secondCommit;
    final String mainHead;
    final String featureHead;
    final String notOnMain;
    final GitHttpServer server;
    final Path bare;

    GitFixture(Path root) {
        this.root = root;
        this.served = root.resolve("served");
        source = TestRepos.init(root.resolve("source"));
        source.write("README.md", "# Notes\n").write("notes/first.md", "first version\n");
        firstCommit = source.commit("first");
        source.write("notes/first.md", "second version\n").write("notes/second.md", "two\n");
        secondCommit = source.commit("second");
        source.write("notes/third.md", "three\n").write("media/image.bin", new byte[] {1, 2, 3, 4, 5});
        mainHead = source.commit("third");
        source.branch("feature").write("notes/feature.md", "feature only\n");
        featureHead = source.commit("feature work");
        source.branch("side").write("notes/side.md", "side\n");
        notOnMain = source.commit("side work");
        source.checkout("main");
        bare = source.bareCopy(served, "notes.git");
        source.bareCopy(served, "private.git");
        server = GitHttpServer.start(served).makePrivate("private.git", TOKEN);
    }

    String fileUrl() {
        return bare.toUri().toString();
    }

    String httpUrl() {
        return server.url("notes.git");
    }

    String privateUrl() {
        return server.url("private.git");
    }

    /** Files of main's working tree and their byte total, computed independently of the code under test. */
    static long[] mainTreeStats() {
        // README.md (8) + first.md (15) + second.md (4) + third.md (6) + image.bin (5)
        return new long[] {5, 8 + 15 + 4 + 6 + 5};
    }

    static Stream<Arguments> gits() {
        return Stream.of(
                Arguments.of(Named.of("cli", new CliGit(true))), Arguments.of(Named.of("jgit", new JGitGit())));
    }

    static int commitCount(Path clone) {
        return Integer.parseInt(TestRepos.git(clone, "rev-list", "--count", "HEAD"));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
