package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.repoworker.protocol.Env;
import dev.repoworker.testkit.TestRepos;
import dev.repoworker.worker.WorkerConfig;
import dev.repoworker.worker.WorkerRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MAX_REPO_FILES and MAX_REPO_BYTES in both {@link Git} implementations: the tree is counted before
 * checkout, the download is watched, and a refused clone leaves nothing on disk.
 */
@Timeout(120)
class RepoLimitsTest {

    static final long MB = 1024 * 1024;

    @TempDir
    static Path shared;

    static String sixtyFiles;
    static String fiveMbOfZeros;
    static String historyBomb;
    static String historyBombHead;
    static String treeBomb;

    @TempDir
    Path work;

    @BeforeAll
    static void create_repositories() throws IOException {
        TestRepos.Repo many = TestRepos.init(shared.resolve("many"));
        for (int i = 0; i < 60; i++) {
            many.write("notes/note-" + i + ".md", "note " + i + "\n");
        }
        many.commit("sixty notes");
        sixtyFiles = many.bareCopy(shared.resolve("served"), "many.git").toUri().toString();

        TestRepos.Repo zeros = TestRepos.init(shared.resolve("zeros"));
        zeros.write("README.md", "# small\n").write("media/zeros.bin", new byte[(int) (5 * MB)]);
        zeros.commit("a 5 MB file that compresses to a few kilobytes");
        fiveMbOfZeros =
                zeros.bareCopy(shared.resolve("served"), "zeros.git").toUri().toString();

        // 3 MB of random bytes in the history only: the tree at the tip is tiny, the full download is not
        TestRepos.Repo history = TestRepos.init(shared.resolve("history"));
        byte[] noise = new byte[(int) (3 * MB)];
        new Random(7).nextBytes(noise);
        history.write("README.md", "# history\n").write("big/noise.bin", noise);
        history.commit("a big file");
        history.delete("big/noise.bin");
        historyBombHead = history.commit("removed again");
        historyBomb = history.bareCopy(shared.resolve("served"), "history.git")
                .toUri()
                .toString();

        treeBomb = treeBomb(shared.resolve("served/tree-bomb.git"), 10).toUri().toString();
    }

    /** Both implementations, each made with the limits a test gives. */
    static Stream<Arguments> gits() {
        return Stream.of(
                Arguments.of(Named.of("cli", (Function<RepoLimits, Git>) l -> new CliGit(true, l))),
                Arguments.of(Named.of("jgit", (Function<RepoLimits, Git>) JGitGit::new)));
    }

    private Path target() {
        return work.resolve("job/repo");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void more_files_than_max_repo_files_are_refused_before_checkout_and_nothing_is_left(Function<RepoLimits, Git> git) {
        assertThatThrownBy(() -> git.apply(new RepoLimits(MB, 50))
                        .cloneRepo(CloneRequest.of(sixtyFiles, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage("repository has more than 50 files; the limit is MAX_REPO_FILES=50");
        assertThat(target()).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_highly_compressible_file_over_max_repo_bytes_is_refused_before_it_is_written(Function<RepoLimits, Git> git) {
        assertThatThrownBy(() -> git.apply(new RepoLimits(MB, 1000))
                        .cloneRepo(CloneRequest.of(fiveMbOfZeros, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage("repository files hold more than 1048576 bytes; the limit is MAX_REPO_BYTES=1048576");
        assertThat(target()).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_repository_exactly_at_the_limits_is_cloned(Function<RepoLimits, Git> git) throws Exception {
        long fiveMbAndReadme = 5 * MB + "# small\n".length();
        assertThatThrownBy(() -> git.apply(new RepoLimits(fiveMbAndReadme - 1, 2))
                        .cloneRepo(CloneRequest.of(fiveMbOfZeros, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class);
        assertThatThrownBy(() -> git.apply(new RepoLimits(fiveMbAndReadme, 1))
                        .cloneRepo(CloneRequest.of(fiveMbOfZeros, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class);

        Git.Cloned cloned = git.apply(new RepoLimits(fiveMbAndReadme, 2))
                .cloneRepo(CloneRequest.of(fiveMbOfZeros, "main"), target(), GitProgress.NONE);

        WorkingTreeCount.Stats stats = WorkingTreeCount.count(target());
        assertThat(stats.files()).isEqualTo(2);
        assertThat(stats.bytes()).isEqualTo(fiveMbAndReadme);
        assertThat(cloned.files()).isEqualTo(stats.files());
        assertThat(cloned.bytes()).isEqualTo(stats.bytes());
        assertThat(TestRepos.git(target(), "symbolic-ref", "HEAD")).isEqualTo("refs/heads/main");
        assertThat(TestRepos.git(target(), "rev-parse", "--abbrev-ref", "main@{upstream}"))
                .isEqualTo("origin/main");
        assertThat(TestRepos.git(target(), "status", "--porcelain")).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_tree_naming_ten_billion_files_is_refused_without_walking_all_of_it(Function<RepoLimits, Git> git) {
        assertThatThrownBy(() -> git.apply(new RepoLimits(MB, 1000))
                        .cloneRepo(CloneRequest.of(treeBomb, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage("repository has more than 1000 files; the limit is MAX_REPO_FILES=1000");
        assertThat(target()).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("gits")
    void a_download_over_max_repo_bytes_fails_even_when_the_checked_out_tree_is_small(Function<RepoLimits, Git> git)
            throws Exception {
        Git limited = git.apply(new RepoLimits(MB, 1000));
        String message = "repository download grew past 1048576 bytes; the limit is MAX_REPO_BYTES=1048576";

        assertThatThrownBy(() -> limited.cloneRepo(
                        CloneRequest.of(historyBomb, "main").withDepth(0), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage(message);
        assertThat(target()).doesNotExist();
        assertThatThrownBy(() -> limited.cloneRepo(
                        CloneRequest.of(historyBomb, "main").withDepth(0).withCommit(historyBombHead),
                        target(),
                        GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage(message);
        assertThat(target()).doesNotExist();

        // the same repository without its history is small enough
        limited.cloneRepo(CloneRequest.of(historyBomb, "main"), target(), GitProgress.NONE);
        assertThat(target().resolve("README.md")).hasContent("# history");
    }

    @ParameterizedTest
    @MethodSource("gits")
    void checked_out_files_are_exactly_the_committed_bytes_whatever_gitattributes_say(Function<RepoLimits, Git> git)
            throws Exception {
        TestRepos.Repo repo = TestRepos.init(work.resolve("attributes"));
        String text = "$Id$\n".repeat(1000);
        String attributes = "* text eol=crlf ident\n";
        repo.write(".gitattributes", attributes).write("notes/ids.md", text);
        repo.commit("expanding attributes");
        long committed = text.length() + attributes.length();
        String url =
                repo.bareCopy(work.resolve("served"), "attributes.git").toUri().toString();

        Git.Cloned cloned =
                git.apply(new RepoLimits(MB, 10)).cloneRepo(CloneRequest.of(url, "main"), target(), GitProgress.NONE);

        assertThat(Files.readString(target().resolve("notes/ids.md"))).isEqualTo(text); // no CRLF, no $Id: sha $
        assertThat(WorkingTreeCount.count(target()).bytes()).isEqualTo(committed);
        assertThat(cloned.bytes()).isEqualTo(committed);
    }

    @Test
    void the_cli_kills_git_while_it_is_still_downloading() throws Exception {
        // stands in for git: writes 64 KiB every 20 ms into the clone folder, for about 8 s, then leaves a mark
        Path fakeGit = work.resolve("bin/slow-git");
        Files.createDirectories(fakeGit.getParent());
        Files.writeString(fakeGit, """
                #!/bin/sh
                for last; do :; done
                mkdir -p "$last/.git/objects/pack"
                i=0
                while [ $i -lt 400 ]; do
                  head -c 65536 /dev/zero >> "$last/.git/objects/pack/tmp_pack"
                  sleep 0.02
                  i=$((i + 1))
                done
                touch "$(dirname "$0")/finished"
                """);
        Files.setPosixFilePermissions(fakeGit, PosixFilePermissions.fromString("rwx------"));
        CliGit git = new CliGit(fakeGit.toString(), true, new RepoLimits(MB, 1000));

        assertThatThrownBy(() -> git.cloneRepo(CloneRequest.of(sixtyFiles, "main"), target(), GitProgress.NONE))
                .isInstanceOf(RepoTooLargeException.class)
                .hasMessage("repository download grew past 1048576 bytes; the limit is MAX_REPO_BYTES=1048576");

        assertThat(ProcessHandle.current()
                        .descendants()
                        .filter(ProcessHandle::isAlive)
                        .map(p -> p.info().commandLine().orElse("")))
                .noneMatch(line -> line.contains("slow-git"));
        assertThat(fakeGit.resolveSibling("finished")).doesNotExist();
        assertThat(target()).doesNotExist();
    }

    @Test
    void a_disk_watch_trips_once_while_the_folder_grows_past_its_limit() throws Exception {
        Path dir = Files.createDirectories(work.resolve("growing"));
        AtomicInteger trips = new AtomicInteger();
        DiskWatch watch = DiskWatch.start(dir, 100_000, trips::incrementAndGet);

        Files.write(dir.resolve("a"), new byte[60_000]);
        Files.write(Files.createDirectories(dir.resolve("sub")).resolve("b"), new byte[60_000]);

        await().atMost(Duration.ofSeconds(10)).until(watch::tripped);
        Files.write(dir.resolve("c"), new byte[60_000]);
        assertThat(watch.stop()).isTrue();
        assertThat(trips).hasValue(1);
    }

    @Test
    void stopping_a_disk_watch_measures_once_more() throws Exception {
        Path dir = Files.createDirectories(work.resolve("quick"));
        DiskWatch small = DiskWatch.start(dir, 1_000, () -> {});
        assertThat(small.stop()).isFalse();

        DiskWatch quick = DiskWatch.start(dir, 1_000, () -> {});
        Files.write(dir.resolve("written-before-any-poll-may-see-it"), new byte[5_000]);
        assertThat(quick.stop()).isTrue();
        assertThat(DiskWatch.sizeOf(work.resolve("missing"))).isZero();
    }

    @Test
    void the_limits_come_from_max_repo_bytes_and_max_repo_files() {
        assertThat(WorkerRoot.repoLimits(config(Map.of()))).isEqualTo(new RepoLimits(2L << 30, 200_000));
        assertThat(WorkerRoot.repoLimits(config(Map.of("MAX_REPO_BYTES", "500MB", "MAX_REPO_FILES", "5000"))))
                .isEqualTo(new RepoLimits(500 * MB, 5000));
        assertThat(WorkerRoot.repoLimits(config(Map.of("MAX_REPO_BYTES", "123456"))))
                .extracting(RepoLimits::maxBytes)
                .isEqualTo(123_456L);
        assertThatThrownBy(() -> config(Map.of("MAX_REPO_BYTES", "lots")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessageStartingWith("MAX_REPO_BYTES must be a size such as");
        assertThatThrownBy(() -> config(Map.of("MAX_REPO_BYTES", "0")))
                .hasMessage("MAX_REPO_BYTES must be greater than zero");
        assertThatThrownBy(() -> config(Map.of("MAX_REPO_FILES", "0")))
                .isInstanceOf(Env.InvalidConfigException.class)
                .hasMessageStartingWith("MAX_REPO_FILES must be between 1 and");
    }

    private static WorkerConfig config(Map<String, String> values) {
        Map<String, String> env = new HashMap<>(values);
        env.put("WORKER_INSECURE_DEV", "true");
        return WorkerConfig.fromEnv(env);
    }

    @Test
    void ls_tree_records_are_read_field_by_field() {
        String sha = "0123456789abcdef0123456789abcdef01234567";
        assertThat(LsTree.Entry.parse("100644 blob " + sha + "     123\tnotes/a b.md"))
                .hasValueSatisfying(e -> {
                    assertThat(e.isFile()).isTrue();
                    assertThat(e.isSymlink()).isFalse();
                    assertThat(e.size()).isEqualTo(123);
                });
        assertThat(LsTree.Entry.parse("120000 blob " + sha + "      11\tlink"))
                .hasValueSatisfying(e -> assertThat(e.isSymlink()).isTrue());
        assertThat(LsTree.Entry.parse("160000 commit " + sha + "       -\tvendor"))
                .hasValueSatisfying(e -> assertThat(e.isFile()).isFalse());
        assertThat(LsTree.Entry.parse("garbage")).isEmpty();
        assertThat(LsTree.Entry.parse("100644 blob " + sha + " many\tx")).isEmpty();
    }

    @Test
    void tallies_stop_at_the_first_limit_and_do_not_overflow() {
        TreeTally files = new TreeTally(new RepoLimits(Long.MAX_VALUE, 2));
        assertThat(files.add(false, 1)).isTrue();
        assertThat(files.add(true, 1)).isTrue();
        assertThat(files.add(false, 1)).isFalse();
        assertThat(files.add(false, 1)).isFalse();
        assertThat(files.files()).isEqualTo(3);
        assertThat(files.bytes()).isEqualTo(2); // a symbolic link is a file without bytes
        assertThatThrownBy(files::check).hasMessageContaining("MAX_REPO_FILES=2");

        TreeTally bytes = new TreeTally(new RepoLimits(Long.MAX_VALUE - 1, 10));
        assertThat(bytes.add(false, Long.MAX_VALUE - 1)).isTrue();
        assertThat(bytes.add(false, Long.MAX_VALUE)).isFalse();
        assertThat(bytes.bytes()).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(bytes::check).hasMessageContaining("MAX_REPO_BYTES=" + (Long.MAX_VALUE - 1));
    }

    /**
     * A bare repository whose one commit names 10^{@code levels} files in {@code levels} + 1 objects: each tree
     * holds ten entries of the tree below it, the lowest ten entries of one small blob.
     */
    static Path treeBomb(Path dir, int levels) throws IOException {
        try (Repository repo = FileRepositoryBuilder.create(dir.toFile());
                ObjectInserter inserter = repo.newObjectInserter()) {
            repo.create(true);
            ObjectId entry = inserter.insert(Constants.OBJ_BLOB, "x\n".getBytes(StandardCharsets.UTF_8));
            FileMode mode = FileMode.REGULAR_FILE;
            for (int level = 0; level < levels; level++) {
                TreeFormatter tree = new TreeFormatter();
                for (int i = 0; i < 10; i++) {
                    tree.append("e" + i, mode, entry);
                }
                entry = inserter.insert(tree);
                mode = FileMode.TREE;
            }
            CommitBuilder commit = new CommitBuilder();
            PersonIdent author = new PersonIdent("Test Author", "author@example.test", 1_700_000_000_000L, 0);
            commit.setAuthor(author);
            commit.setCommitter(author);
            commit.setTreeId(entry);
            commit.setMessage("a tree bomb\n");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate main = repo.updateRef(Constants.R_HEADS + "main");
            main.setNewObjectId(id);
            main.forceUpdate();
            repo.updateRef(Constants.HEAD).link(Constants.R_HEADS + "main");
        }
        return dir;
    }
}
