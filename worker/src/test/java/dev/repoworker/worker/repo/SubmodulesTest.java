package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A repository whose submodules point elsewhere (file:, the local smart HTTP server, a relative URL):
 * neither Git implementation fetches them, whatever the repository's .gitmodules or its server's
 * configuration ask for, even with the file protocol allowed.
 */
@Timeout(120)
class SubmodulesTest {

    static final String SECRET = "SECRET-SUBMODULE-CONTENT-7f3a9c";

    @TempDir
    static Path shared;

    static GitHttpServer server;
    static String secretHead;
    static String hostile;

    @TempDir
    Path work;

    @BeforeAll
    static void create_repositories() {
        Path served = shared.resolve("served");
        TestRepos.Repo secret =
                TestRepos.withFiles(shared.resolve("secret"), java.util.Map.of("secret.md", SECRET + "\n"));
        secretHead = secret.head();
        Path secretBare = secret.bareCopy(served, "secret.git");
        server = GitHttpServer.start(served);
        hostile = HostileSubmodules.create(
                        shared.resolve("hostile"),
                        served,
                        secretHead,
                        secretBare.toUri().toString(),
                        server.url("secret.git"))
                .toUri()
                .toString();
    }

    @AfterAll
    static void stop_server() {
        server.close();
    }

    static Stream<Arguments> gits() {
        return GitFixture.gits(); // the CLI one allows file: URLs, so a fetched submodule could come through
    }

    @Test
    void the_fixture_is_real_a_recursive_clone_would_fetch_the_secret() throws IOException {
        Path recursive = work.resolve("recursive");
        TestRepos.git(
                work,
                "-c",
                "protocol.file.allow=always",
                "clone",
                "-q",
                "--recurse-submodules",
                hostile,
                recursive.toString());
        assertThat(recursive.resolve("vendor/secret.md")).hasContent(SECRET);
    }

    @ParameterizedTest
    @MethodSource("gits")
    void submodules_are_never_fetched_and_their_content_appears_nowhere(Git git) throws Exception {
        int requestsBefore = server.requestLines().size();
        Path clone = work.resolve("clone");

        git.cloneRepo(CloneRequest.of(hostile, "main").withDepth(0), clone, GitProgress.NONE);

        assertThat(clone.resolve("index.md")).exists();
        for (String path : List.of("vendor", "remote", "relative")) {
            Path submodule = clone.resolve(path);
            assertThat(!Files.exists(submodule) || isEmptyDirectory(submodule))
                    .as(path + " is empty or absent")
                    .isTrue();
        }
        assertThat(clone.resolve(".git/modules")).doesNotExist();
        assertThat(TestRepos.git(clone, "config", "--list"))
                .doesNotContain("submodule.")
                .doesNotContain("protocol.");
        assertThatThrownBy(() -> TestRepos.git(clone, "cat-file", "-e", secretHead))
                .isInstanceOf(IllegalStateException.class);
        assertThat(server.requestLines()
                        .subList(requestsBefore, server.requestLines().size()))
                .noneMatch(line -> line.contains("secret"));
        try (Stream<Path> files = Files.walk(clone)) {
            assertThat(files.filter(Files::isRegularFile)).noneMatch(SubmodulesTest::containsSecret);
        }
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_pinned_clone_does_not_fetch_them_either(Git git) throws Exception {
        Path clone = work.resolve("pinned");
        String head = TestRepos.git(Path.of(java.net.URI.create(hostile)), "rev-parse", "HEAD");

        git.cloneRepo(CloneRequest.of(hostile, "main").withCommit(head), clone, GitProgress.NONE);

        assertThat(clone.resolve(".git/modules")).doesNotExist();
        assertThatThrownBy(() -> TestRepos.git(clone, "cat-file", "-e", secretHead))
                .isInstanceOf(IllegalStateException.class);
        try (Stream<Path> files = Files.walk(clone)) {
            assertThat(files.filter(Files::isRegularFile)).noneMatch(SubmodulesTest::containsSecret);
        }
    }

    @Test
    void the_cli_turns_submodule_recursion_off_on_every_command() {
        CliGit git = new CliGit(true);
        assertThat(git.commandLine().cloneCommand(CloneRequest.of(hostile, "main"), work.resolve("x")))
                .containsSubsequence("-c", "submodule.recurse=false")
                .containsSubsequence("-c", "fetch.recurseSubmodules=false")
                .contains("--no-recurse-submodules", "--no-checkout");
        assertThat(git.commandLine().fetchCommitCommand(work, secretHead, 1))
                .containsSubsequence("-c", "submodule.recurse=false");
    }

    static boolean isEmptyDirectory(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean containsSecret(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1).contains(SECRET);
        } catch (IOException e) {
            return false;
        }
    }
}
