package dev.repoworker.worker.repo;

import static dev.repoworker.worker.repo.GitFixture.TOKEN;
import static dev.repoworker.worker.repo.GitFixture.WRONG_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Progress;
import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.WorkerRoot;
import dev.repoworker.worker.task.InvalidTaskDataException;
import dev.repoworker.worker.task.TaskContext;
import dev.repoworker.worker.task.TaskData;
import dev.repoworker.worker.task.TaskFailedException;
import dev.repoworker.worker.task.Timed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/** The {@code acquire-user-repo} task end to end, with both Git implementations. */
class AcquireRepoTaskTest {

    @TempDir
    static Path shared;

    static GitFixture fixture;
    static final RepoUrlPolicy LOCAL = new RepoUrlPolicy(List.of("127.0.0.1"), true, true);

    @TempDir
    Path workspace;

    final List<Progress> progress = new CopyOnWriteArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root;
    Level rootLevel;

    @BeforeAll
    static void create_repositories() {
        fixture = new GitFixture(shared);
    }

    @AfterAll
    static void stop_server() {
        fixture.close();
    }

    @BeforeEach
    void capture_logs() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release_logs() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
    }

    static Stream<Arguments> gits() {
        return GitFixture.gits();
    }

    /** Parses {@code data} as admission does, then runs the task with the request. */
    private Timed<AcquiredRepo.Shown> run(AcquireRepoTask task, Map<String, Object> data) throws Exception {
        return task.run(new TaskContext("job-1", workspace, progress::add), task.parse(new TaskData(data)));
    }

    private String allLogs() {
        StringBuilder out = new StringBuilder();
        logs.list.forEach(e -> out.append(e.getFormattedMessage()).append('\n'));
        return out.toString();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void result_is_exactly_the_summary_with_counts_of_the_working_tree(Git git) throws Exception {
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.empty());

        Timed<AcquiredRepo.Shown> result = run(task, Map.of("repoUrl", fixture.httpUrl()));

        long[] expected = GitFixture.mainTreeStats();
        assertThat(result.summary())
                .containsOnlyKeys("repoUrl", "branch", "commit", "files", "bytes", "durationMs")
                .containsEntry("repoUrl", fixture.httpUrl())
                .containsEntry("branch", "main")
                .containsEntry("commit", fixture.mainHead);
        assertThat(result.section().files()).isEqualTo(expected[0]);
        assertThat(result.section().bytes()).isEqualTo(expected[1]);
        assertThat(result.durationMs()).isNotNegative();
        assertThat(workspace.resolve("repo/.git")).isDirectory();
        assertThat(Json.write(result.summary())).doesNotContain(workspace.toString());
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p.step()).isEqualTo("acquire"));
        assertThat(progress.get(progress.size() - 1).message()).isEqualTo("cloned 5 files");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void symlinks_are_counted_but_not_followed(Git git) throws Exception {
        var repo = dev.repoworker.testkit.TestRepos.init(workspace.resolve("src"));
        repo.write("a.md", "12345");
        Files.createSymbolicLink(repo.dir().resolve("outside"), Path.of("/etc"));
        repo.commit("with a link");
        Path bare = repo.bareCopy(workspace.resolve("served"), "links.git");
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.empty());

        AcquiredRepo acquired = task.acquire(
                new TaskContext("job-2", workspace.resolve("job"), p -> {}),
                task.parse(new TaskData(Map.of("repoUrl", bare.toUri().toString()))));

        assertThat(acquired.files()).isEqualTo(2);
        assertThat(acquired.bytes()).isEqualTo(5);
        assertThat(acquired.directory()).isEqualTo(workspace.resolve("job/repo"));
        assertThat(acquired.result().summary()).doesNotContainKey("directory");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_private_repository_clones_with_data_token_and_the_token_appears_nowhere(Git git) throws Exception {
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.empty());

        Timed<AcquiredRepo.Shown> result =
                run(task, Map.of("repoUrl", fixture.privateUrl(), "gitToken", TOKEN, "depth", 0));

        assertThat(result.summary()).containsEntry("commit", fixture.mainHead);
        assertThat(Json.write(result.summary()) + progress + allLogs()).doesNotContain(TOKEN);
        assertThat(allLogs()).contains("cloning " + fixture.privateUrl());
    }

    @ParameterizedTest
    @MethodSource("gits")
    void the_configured_token_is_used_when_data_has_none(Git git) throws Exception {
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.of(TOKEN));

        Timed<AcquiredRepo.Shown> result = run(task, Map.of("repoUrl", fixture.privateUrl()));

        assertThat(result.summary()).containsEntry("commit", fixture.mainHead);
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_wrong_token_fails_with_authentication_failed_and_leaks_nothing(Git git) {
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.of(TOKEN));

        assertThatThrownBy(() -> run(task, Map.of("repoUrl", fixture.privateUrl(), "gitToken", WRONG_TOKEN)))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("authentication failed")
                .satisfies(e -> assertThat(GitCloneTest.fullTrace(e))
                        .doesNotContain(WRONG_TOKEN)
                        .doesNotContain(TOKEN));
        assertThat(allLogs() + progress).doesNotContain(WRONG_TOKEN).doesNotContain(TOKEN);
    }

    @ParameterizedTest
    @MethodSource("gits")
    void branch_depth_and_commit_come_from_data(Git git) throws Exception {
        AcquireRepoTask task = new AcquireRepoTask(git, LOCAL, Optional.empty());

        Timed<AcquiredRepo.Shown> result = run(
                task,
                Map.of(
                        "repoUrl",
                        fixture.fileUrl(),
                        "branch",
                        "feature",
                        "depth",
                        "0",
                        "commit",
                        fixture.secondCommit.toUpperCase()));

        assertThat(result.summary()).containsEntry("branch", "feature").containsEntry("commit", fixture.secondCommit);
        assertThat(GitFixture.commitCount(workspace.resolve("repo"))).isEqualTo(2);
    }

    @Test
    void validation_names_the_field() {
        AcquireRepoTask task = new AcquireRepoTask(
                new JGitGit(), new RepoUrlPolicy(List.of("github.com"), false, false), Optional.empty());
        assertThat(task.type()).isEqualTo(TaskType.ACQUIRE_USER_REPO);

        assertInvalid(task, Map.of(), "data.repoUrl", "data.repoUrl is required");
        assertInvalid(task, Map.of("repoUrl", "https://evil.example/x/y"), "data.repoUrl", "not allowed");
        assertInvalid(task, Map.of("repoUrl", "file:///etc"), "data.repoUrl", "file: repositories are not allowed");
        Map<String, Object> data = new HashMap<>(Map.of("repoUrl", "https://github.com/acme/notes"));
        data.put("branch", "--upload-pack=touch /tmp/x");
        assertInvalid(task, data, "data.branch", "'-'");
        data.put("branch", "main");
        data.put("depth", -1);
        assertInvalid(task, data, "data.depth", "between 0 and 1000000");
        data.put("depth", 1_000_001);
        assertInvalid(task, data, "data.depth", "between 0 and 1000000");
        data.put("depth", 5);
        data.put("commit", "abc123");
        assertInvalid(task, data, "data.commit", "40 or 64 hex");
        data.put("commit", "a".repeat(40));
        data.put("gitToken", 42);
        assertInvalid(task, data, "data.gitToken", "must be a string");
    }

    @Test
    void valid_data_with_defaults_passes_validation() throws Exception {
        AcquireRepoTask task = new AcquireRepoTask(
                new JGitGit(), new RepoUrlPolicy(List.of("github.com"), false, false), Optional.of("configured"));

        task.parse(new TaskData(Map.of("repoUrl", "https://github.com/acme/notes")));
        CloneRequest request = task.parse(new TaskData(Map.of("repoUrl", "https://github.com/acme/notes.git")));

        assertThat(request.branch()).isEqualTo("main");
        assertThat(request.depth()).isEqualTo(1);
        assertThat(request.commit()).isEmpty();
        assertThat(request.token()).contains("configured");
        assertThat(task.parse(new TaskData(Map.of("repoUrl", "https://github.com/a/b", "gitToken", "own")))
                        .token())
                .contains("own");
    }

    @Test
    void the_composition_root_builds_the_task_with_the_configured_git_and_policy() throws Exception {
        WorkerConfig config = WorkerConfig.fromEnv(Map.of(
                "WORKER_INSECURE_DEV",
                "true",
                "GIT_IMPLEMENTATION",
                "jgit",
                "ALLOWED_REPO_HOSTS",
                "git.example.com",
                "GITHUB_TOKEN",
                "from-env"));
        AcquireRepoTask task = (AcquireRepoTask)
                WorkerRoot.of(config).tasks().find(TaskType.ACQUIRE_USER_REPO).orElseThrow();

        task.parse(new TaskData(Map.of("repoUrl", "https://git.example.com/a/b")));
        assertThat(task.parse(new TaskData(Map.of("repoUrl", "https://git.example.com/a/b")))
                        .token())
                .contains("from-env");
        assertInvalid(task, Map.of("repoUrl", "https://github.com/a/b"), "data.repoUrl", "not allowed");
    }

    private static void assertInvalid(AcquireRepoTask task, Map<String, Object> data, String field, String text) {
        assertThatThrownBy(() -> task.parse(new TaskData(data)))
                .isInstanceOf(InvalidTaskDataException.class)
                .hasMessageContaining(text)
                .satisfies(
                        e -> assertThat(((InvalidTaskDataException) e).field()).isEqualTo(field));
    }
}
