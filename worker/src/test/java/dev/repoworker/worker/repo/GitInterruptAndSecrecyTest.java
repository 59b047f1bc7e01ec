package dev.repoworker.worker.repo;

import static dev.repoworker.worker.repo.GitFixture.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.repoworker.testkit.GitHttpServer;
import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cancellation (thread interrupt) and keeping the token out of process listings. */
class GitInterruptAndSecrecyTest {

    @TempDir
    static Path shared;

    static GitFixture fixture;
    static String bigRepoUrl;

    @TempDir
    Path work;

    @BeforeAll
    static void create_repositories() {
        fixture = new GitFixture(shared);
        TestRepos.Repo big = TestRepos.init(shared.resolve("big-source")).generate(400, 2048, 40, 512 * 1024, 42);
        big.commit("a bigger repository");
        bigRepoUrl =
                big.bareCopy(shared.resolve("big-served"), "big.git").toUri().toString();
    }

    @AfterAll
    static void stop_server() {
        fixture.close();
    }

    static Stream<Arguments> gits() {
        return GitFixture.gits();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void interrupting_the_thread_stops_a_clone_of_a_bigger_repository(Git git) {
        AtomicReference<Thread> cloner = new AtomicReference<>();
        AtomicBoolean interrupted = new AtomicBoolean();
        GitProgress interruptOnFirstProgress = (phase, done, total) -> {
            if (interrupted.compareAndSet(false, true)) {
                cloner.get().interrupt();
            }
        };
        Outcome outcome = startClone(
                git,
                CloneRequest.of(bigRepoUrl, "main").withDepth(0),
                work.resolve("big"),
                interruptOnFirstProgress,
                cloner);

        await().atMost(Duration.ofSeconds(20)).until(() -> !outcome.thread.isAlive());
        assertThat(interrupted).isTrue();
        assertThat(outcome.error.get()).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> gitProcessesFor(work).isEmpty());
    }

    @ParameterizedTest
    @MethodSource("gits")
    void interrupting_a_clone_stalled_on_the_server_ends_it(Git git) {
        try (GitHttpServer.Hold hold = fixture.server.hold()) {
            int heldBefore = fixture.server.heldCount();
            AtomicReference<Thread> cloner = new AtomicReference<>();
            Outcome outcome = startClone(
                    git, CloneRequest.of(fixture.httpUrl(), "main"), work.resolve("stalled"), GitProgress.NONE, cloner);
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.heldCount() > heldBefore);

            outcome.thread.interrupt();
            if (git instanceof JGitGit) {
                // JGit reads sockets with blocking I/O: it notices the interrupt once data flows again
                hold.release();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> !outcome.thread.isAlive());
            assertThat(outcome.error.get()).isInstanceOf(InterruptedException.class);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> gitProcessesFor(work).isEmpty());
        }
    }

    @Test
    void the_token_is_never_in_the_arguments_of_live_git_processes() {
        CliGit git = new CliGit(false);
        List<String> seen;
        try (GitHttpServer.Hold hold = fixture.server.hold()) {
            int heldBefore = fixture.server.heldCount();
            AtomicReference<Thread> cloner = new AtomicReference<>();
            Outcome outcome = startClone(
                    git,
                    CloneRequest.of(fixture.privateUrl(), "main").withToken(TOKEN),
                    work.resolve("private"),
                    GitProgress.NONE,
                    cloner);
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.server.heldCount() > heldBefore);

            seen = gitProcessesFor(work);
            hold.release();
            await().atMost(Duration.ofSeconds(20)).until(() -> !outcome.thread.isAlive());
            assertThat(outcome.error.get()).isNull();
        }
        assertThat(seen)
                .isNotEmpty()
                .anySatisfy(line -> assertThat(line).contains("clone"))
                .allSatisfy(line -> assertThat(line).doesNotContain(TOKEN).doesNotContain(GitErrors.basic(TOKEN)));
    }

    @Test
    void the_cli_command_carries_no_token_and_the_environment_carries_it_only_as_a_header() {
        CliGit git = new CliGit(false);
        CloneRequest request =
                CloneRequest.of("https://github.com/acme/notes", "main").withToken(TOKEN);

        List<String> command = git.commandLine().cloneCommand(request, work.resolve("repo"));
        assertThat(String.join(" ", command)).doesNotContain(TOKEN).doesNotContain(GitErrors.basic(TOKEN));
        assertThat(command)
                .containsSubsequence("--", "https://github.com/acme/notes")
                .contains("credential.helper=", "protocol.file.allow=never");
        assertThat(git.commandLine().fetchCommitCommand(work, fixture.mainHead, 1))
                .doesNotContain(TOKEN);

        var env = GitEnvironment.of(Optional.of(TOKEN));
        assertThat(env)
                .containsEntry("GIT_TERMINAL_PROMPT", "0")
                .containsEntry("GIT_CONFIG_KEY_0", "http.extraHeader")
                .containsEntry("GIT_CONFIG_VALUE_0", "Authorization: Basic " + GitErrors.basic(TOKEN))
                .containsEntry("GIT_ASKPASS", "");
        assertThat(env.entrySet())
                .filteredOn(e -> !e.getKey().equals("GIT_CONFIG_VALUE_0"))
                .allSatisfy(e -> assertThat(e.getValue()).doesNotContain(TOKEN));
        assertThat(request.toString()).doesNotContain(TOKEN);
    }

    @Test
    void the_file_protocol_is_refused_by_a_cli_git_that_does_not_allow_it() {
        CliGit git = new CliGit(false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        git.cloneRepo(CloneRequest.of(fixture.fileUrl(), "main"), work.resolve("x"), GitProgress.NONE))
                .isInstanceOf(dev.repoworker.worker.task.TaskFailedException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shared.toString()));
    }

    private record Outcome(Thread thread, AtomicReference<Throwable> error) {}

    private static Outcome startClone(
            Git git, CloneRequest request, Path target, GitProgress progress, AtomicReference<Thread> holder) {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread thread = new Thread(
                () -> {
                    try {
                        git.cloneRepo(request, target, progress);
                    } catch (Throwable e) {
                        error.set(e);
                    }
                },
                "test-clone");
        holder.set(thread);
        thread.start();
        return new Outcome(thread, error);
    }

    /** Command lines of this JVM's live git descendants working for a clone under {@code dir}. */
    static List<String> gitProcessesFor(Path dir) {
        return ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains("git"))
                .filter(line -> !line.contains("http-backend"))
                .toList();
    }
}
