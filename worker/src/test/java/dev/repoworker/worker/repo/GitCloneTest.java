package dev.repoworker.worker.repo;

import static dev.repoworker.worker.repo.GitFixture.TOKEN;
import static dev.repoworker.worker.repo.GitFixture.WRONG_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.task.TaskFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.internal.storage.file.GC;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both {@link Git} implementations against real repositories over file:// and smart HTTP. */
class GitCloneTest {

    @TempDir
    static Path shared;

    static GitFixture fixture;

    @TempDir
    Path work;

    @BeforeAll
    static void create_repositories() {
        fixture = new GitFixture(shared);
    }

    @AfterAll
    static void stop_server() {
        fixture.close();
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> gits() {
        return GitFixture.gits();
    }

    private Git.Cloned clone(Git git, CloneRequest request) throws Exception {
        return git.cloneRepo(request, work.resolve("clone"), GitProgress.NONE);
    }

    @ParameterizedTest
    @MethodSource("gits")
    void clones_main_over_file_url(Git git) throws Exception {
        Git.Cloned cloned = clone(git, CloneRequest.of(fixture.fileUrl(), "main"));

        assertThat(cloned.commit()).isEqualTo(fixture.mainHead);
        assertThat(cloned.branch()).isEqualTo("main");
        assertThat(GitFixture.read(work.resolve("clone/notes/first.md"))).isEqualTo("second version\n");
        assertThat(work.resolve("clone/notes/feature.md")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void clones_main_over_smart_http(Git git) throws Exception {
        Git.Cloned cloned = clone(git, CloneRequest.of(fixture.httpUrl(), "main"));

        assertThat(cloned.commit()).isEqualTo(fixture.mainHead);
        assertThat(work.resolve("clone/notes/third.md")).hasContent("three");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void private_repository_clones_with_the_right_token(Git git) throws Exception {
        int refusedBefore = fixture.server.unauthorizedCount();
        Git.Cloned cloned =
                clone(git, CloneRequest.of(fixture.privateUrl(), "main").withToken(TOKEN));

        assertThat(cloned.commit()).isEqualTo(fixture.mainHead);
        assertThat(cloned.toString()).doesNotContain(TOKEN);
        assertThat(TestRepos.git(work.resolve("clone"), "config", "--list"))
                .doesNotContain(TOKEN)
                .doesNotContain(GitErrors.basic(TOKEN));
        if (git instanceof CliGit) {
            assertThat(fixture.server.unauthorizedCount()).isEqualTo(refusedBefore); // header sent up front
        }
    }

    @ParameterizedTest
    @MethodSource("gits")
    void private_repository_with_a_wrong_token_fails_with_authentication_failed(Git git) {
        assertThatThrownBy(() ->
                        clone(git, CloneRequest.of(fixture.privateUrl(), "main").withToken(WRONG_TOKEN)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("authentication failed")
                .satisfies(e -> assertThat(fullTrace(e)).doesNotContain(WRONG_TOKEN));
    }

    @ParameterizedTest
    @MethodSource("gits")
    void private_repository_without_a_token_fails_with_authentication_failed(Git git) {
        assertThatThrownBy(() -> clone(git, CloneRequest.of(fixture.privateUrl(), "main")))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("authentication failed");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void selects_the_requested_branch(Git git) throws Exception {
        Git.Cloned cloned = clone(git, CloneRequest.of(fixture.httpUrl(), "feature"));

        assertThat(cloned.commit()).isEqualTo(fixture.featureHead);
        assertThat(cloned.branch()).isEqualTo("feature");
        assertThat(work.resolve("clone/notes/feature.md")).hasContent("feature only");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void depth_one_is_shallow_and_depth_zero_has_full_history(Git git) throws Exception {
        clone(git, CloneRequest.of(fixture.fileUrl(), "main").withDepth(1));
        assertThat(GitFixture.commitCount(work.resolve("clone"))).isEqualTo(1);
        assertThat(work.resolve("clone/.git/shallow")).exists();

        Path full = work.resolve("full");
        git.cloneRepo(CloneRequest.of(fixture.httpUrl(), "main").withDepth(0), full, GitProgress.NONE);
        assertThat(GitFixture.commitCount(full)).isEqualTo(3);
        assertThat(full.resolve(".git/shallow")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void pinning_a_commit_checks_out_exactly_that_commit(Git git) throws Exception {
        Git.Cloned cloned =
                clone(git, CloneRequest.of(fixture.httpUrl(), "main").withCommit(fixture.firstCommit));

        assertThat(cloned.commit()).isEqualTo(fixture.firstCommit);
        assertThat(TestRepos.git(work.resolve("clone"), "rev-parse", "HEAD")).isEqualTo(fixture.firstCommit);
        assertThat(work.resolve("clone/notes/first.md")).hasContent("first version");
        assertThat(work.resolve("clone/notes/second.md")).doesNotExist();
        assertThat(TestRepos.git(work.resolve("clone"), "status", "--porcelain"))
                .isEmpty();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void pinning_a_commit_over_file_url_with_depth_works_too(Git git) throws Exception {
        Git.Cloned cloned = clone(
                git,
                CloneRequest.of(fixture.fileUrl(), "main")
                        .withCommit(fixture.secondCommit)
                        .withDepth(1));

        assertThat(cloned.commit()).isEqualTo(fixture.secondCommit);
        assertThat(work.resolve("clone/notes/second.md")).hasContent("two");
        assertThat(work.resolve("clone/notes/third.md")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void pinning_a_commit_of_another_branch_works(Git git) throws Exception {
        Git.Cloned cloned =
                clone(git, CloneRequest.of(fixture.httpUrl(), "main").withCommit(fixture.notOnMain));

        assertThat(cloned.commit()).isEqualTo(fixture.notOnMain);
        assertThat(work.resolve("clone/notes/side.md")).hasContent("side");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_missing_branch_is_reported_by_name(Git git) {
        assertThatThrownBy(() -> clone(git, CloneRequest.of(fixture.httpUrl(), "nope")))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("branch 'nope' not found");
        assertThatThrownBy(() -> git.cloneRepo(
                        CloneRequest.of(fixture.fileUrl(), "nope").withCommit(fixture.mainHead),
                        work.resolve("pinned"),
                        GitProgress.NONE))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("branch 'nope' not found");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_missing_repository_is_reported_over_http_and_file(Git git) {
        assertThatThrownBy(() -> clone(git, CloneRequest.of(fixture.server.url("missing.git"), "main")))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("repository not found");
        String missingFile = shared.resolve("served/missing.git").toUri().toString();
        assertThatThrownBy(
                        () -> git.cloneRepo(CloneRequest.of(missingFile, "main"), work.resolve("f"), GitProgress.NONE))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("repository not found");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_missing_commit_is_reported_by_sha(Git git) {
        String missing = "0123456789abcdef0123456789abcdef01234567";
        assertThatThrownBy(() ->
                        clone(git, CloneRequest.of(fixture.httpUrl(), "main").withCommit(missing)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("commit '" + missing + "' not found");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void error_messages_carry_no_local_paths(Git git) throws Exception {
        Path target = work.resolve("clone");
        Files.createDirectories(target);
        Files.writeString(target.resolve("occupied.txt"), "not empty");

        assertThatThrownBy(() -> clone(git, CloneRequest.of(fixture.fileUrl(), "main")))
                .isInstanceOf(TaskFailedException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .startsWith("git clone failed")
                        .doesNotContain(work.toString())
                        .doesNotContain(shared.toString()));
    }

    @ParameterizedTest
    @MethodSource("gits")
    void the_token_is_scrubbed_even_from_unexpected_errors(Git git) {
        Optional<String> token = Optional.of(TOKEN);
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(token, java.util.List.of(work));
        String noisy = "fatal: unable to access 'https://x-access-token:" + TOKEN + "@github.com/a/b.git/': "
                + "header Authorization: Basic " + GitErrors.basic(TOKEN) + " in " + work.resolve("clone");
        assertThat(GitErrors.classify(noisy, "main", scrubber).getMessage())
                .startsWith("git clone failed: unable to access 'https://github.com/a/b.git/'")
                .doesNotContain(TOKEN)
                .doesNotContain(GitErrors.basic(TOKEN))
                .doesNotContain(work.toString());
    }

    @Test
    void a_jgit_clone_leaves_no_garbage_collection_running_in_the_background() throws Exception {
        // JGit runs auto-gc after every fetch, detached by default: it would still be writing into a clone
        // once it is handed over, or while a refused clone is being removed
        AtomicInteger backgroundTasks = new AtomicInteger();
        ThreadPoolExecutor counting = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            public void execute(Runnable task) {
                backgroundTasks.incrementAndGet();
                super.execute(task);
            }
        };
        GC.setExecutor(counting);
        try {
            new JGitGit()
                    .cloneRepo(
                            CloneRequest.of(fixture.fileUrl(), "main").withCommit(fixture.notOnMain),
                            work.resolve("clone"),
                            GitProgress.NONE);
        } finally {
            GC.setExecutor(null);
            counting.shutdown();
        }
        assertThat(backgroundTasks).hasValue(0);
    }

    @Test
    void the_cli_turns_automatic_garbage_collection_and_maintenance_off() {
        List<String> command = new CliGit(true)
                .commandLine()
                .cloneCommand(CloneRequest.of(fixture.fileUrl(), "main"), work.resolve("x"));
        assertThat(command).containsSubsequence("-c", "gc.auto=0").containsSubsequence("-c", "maintenance.auto=false");
        assertThat(new CliGit(true).commandLine().fetchCommitCommand(work, fixture.mainHead, 1))
                .containsSubsequence("-c", "gc.auto=0");
    }

    static String fullTrace(Throwable e) {
        java.io.StringWriter out = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
