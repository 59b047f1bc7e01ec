package dev.repoworker.worker.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {

    @TempDir
    Path temp;

    @Test
    void a_released_workspace_leaves_jobs_at_once_and_its_files_are_removed_in_the_background() throws Exception {
        Workspaces workspaces = Workspaces.removingInBackground(temp, false);
        Path workspace = workspaces.create("job-1");
        Files.createDirectories(workspace.resolve("repo/notes"));
        Files.writeString(workspace.resolve("repo/notes/a.md"), "# A\n");
        Files.createSymbolicLink(workspace.resolve("repo/outside"), temp.resolve("keep"));
        Files.writeString(temp.resolve("keep"), "not a workspace's file");

        workspaces.release(workspace);

        assertThat(workspace).doesNotExist();
        assertThat(workspaces.root()).isEmptyDirectory();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(temp.resolve("trash")).isEmptyDirectory());
        assertThat(temp.resolve("keep")).hasContent("not a workspace's file");
        workspaces.close(Duration.ofSeconds(5));
    }

    @Test
    void what_an_earlier_run_left_in_the_trash_is_removed_at_start() throws Exception {
        Path left = Files.createDirectories(temp.resolve("trash/job-0-1234abcd/repo"));
        Files.writeString(left.resolve("a.md"), "# left by a crash\n");

        Workspaces workspaces = Workspaces.removingInBackground(temp, false);

        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(temp.resolve("trash")).isEmptyDirectory());
        workspaces.close(Duration.ofSeconds(5));
    }

    @Test
    void removal_on_the_releasing_thread_is_done_when_release_returns() throws Exception {
        Workspaces workspaces = new Workspaces(temp, false);
        Path workspace = workspaces.create("job-2");
        Files.writeString(workspace.resolve("a.md"), "# A\n");

        workspaces.release(workspace);

        assertThat(workspace).doesNotExist();
        assertThat(temp.resolve("trash")).doesNotExist();
    }

    @Test
    void kept_workspaces_stay() throws Exception {
        Workspaces workspaces = Workspaces.removingInBackground(temp, true);
        Path workspace = workspaces.create("job-3");

        workspaces.release(workspace);

        assertThat(workspace).isDirectory();
        workspaces.close(Duration.ofSeconds(5));
    }
}
