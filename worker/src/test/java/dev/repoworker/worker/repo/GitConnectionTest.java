package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.repoworker.worker.task.TaskFailedException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What Git connects to: the addresses checked just before (pinned), and never a host a redirect names. */
@Timeout(120)
class GitConnectionTest {

    @TempDir
    Path tmp;

    GitFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new GitFixture(tmp);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** {@code http://<name>:port/notes.git} on the fixture's server, under a name no resolver knows. */
    private String unresolvableNameFor(String name) {
        return "http://" + name + ":" + fixture.server.port() + "/notes.git";
    }

    @Test
    void the_git_cli_connects_to_the_checked_address_and_resolves_nothing_itself() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ConnectionCheck pinnedToLoopback = url -> List.of(loopback);
        CliGit git = new CliGit("git", false, pinnedToLoopback);

        Git.Cloned cloned = git.cloneRepo(
                CloneRequest.of(unresolvableNameFor("pinned.example.invalid"), "main"),
                tmp.resolve("clone"),
                GitProgress.NONE);

        assertThat(cloned.commit()).isEqualTo(fixture.mainHead);
        assertThat(fixture.server.requestCount()).isPositive();
    }

    @Test
    void a_pinned_commit_is_fetched_through_the_checked_address_too() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        CliGit git = new CliGit("git", false, url -> List.of(loopback));

        Git.Cloned cloned = git.cloneRepo(
                CloneRequest.of(unresolvableNameFor("pinned.example.invalid"), "main")
                        .withCommit(fixture.secondCommit),
                tmp.resolve("clone"),
                GitProgress.NONE);

        assertThat(cloned.commit()).isEqualTo(fixture.secondCommit);
    }

    @Test
    void without_a_pin_the_same_name_does_not_resolve() {
        CliGit git = new CliGit("git", false, ConnectionCheck.NONE);

        assertThatThrownBy(() -> git.cloneRepo(
                        CloneRequest.of(unresolvableNameFor("pinned.example.invalid"), "main"),
                        tmp.resolve("clone"),
                        GitProgress.NONE))
                .isInstanceOf(TaskFailedException.class);
        assertThat(fixture.server.requestCount()).isZero();
    }

    @Test
    void a_refused_check_stops_either_git_before_it_connects() {
        ConnectionCheck refusing = url -> {
            throw new TaskFailedException("repository URL not allowed: host 'x' resolves to a loopback address");
        };
        for (Git git : List.of(new CliGit("git", false, refusing), new JGitGit(refusing))) {
            assertThatThrownBy(() -> git.cloneRepo(
                            CloneRequest.of(fixture.httpUrl(), "main"),
                            tmp.resolve("c-" + git.name()),
                            GitProgress.NONE))
                    .isInstanceOf(TaskFailedException.class)
                    .hasMessageContaining("resolves to a loopback address");
        }
        assertThat(fixture.server.requestCount()).isZero();
    }

    @Test
    void jgit_checks_again_before_every_connection() {
        AtomicInteger checks = new AtomicInteger();
        ConnectionCheck firstOnly = url -> {
            if (checks.incrementAndGet() > 1) {
                throw new TaskFailedException("repository URL not allowed: host '127.0.0.1' is a loopback address");
            }
            return List.of();
        };

        assertThatThrownBy(() -> new JGitGit(firstOnly)
                        .cloneRepo(CloneRequest.of(fixture.httpUrl(), "main"), tmp.resolve("clone"), GitProgress.NONE))
                .isInstanceOf(TaskFailedException.class)
                .hasMessage("repository URL not allowed: host '127.0.0.1' is a loopback address");
        assertThat(checks).hasValueGreaterThan(1);
        assertThat(fixture.server.requestCount()).isZero();
    }

    @Test
    void pins_name_the_host_the_port_and_every_address() throws Exception {
        List<InetAddress> both =
                List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("2606:2800:220:1::1946"));

        assertThat(GitCommandLine.pins("https://git.example.test/a/b", both))
                .containsExactly(
                        "-c", "http.curloptResolve=git.example.test:443:93.184.216.34,[2606:2800:220:1:0:0:0:1946]");
        assertThat(GitCommandLine.pins("http://git.example.test/a/b", both.subList(0, 1)))
                .containsExactly("-c", "http.curloptResolve=git.example.test:80:93.184.216.34");
        assertThat(GitCommandLine.pins("https://git.example.test:8443/a/b", both.subList(0, 1)))
                .containsExactly("-c", "http.curloptResolve=git.example.test:8443:93.184.216.34");
        assertThat(GitCommandLine.pins("https://93.184.216.34/a/b", both.subList(0, 1)))
                .isEmpty();
        assertThat(GitCommandLine.pins("https://git.example.test/a/b", List.of()))
                .isEmpty();
    }

    @Test
    void the_cli_never_follows_redirects() {
        CliGit git = new CliGit("git", false, ConnectionCheck.NONE);
        List<String> command =
                git.commandLine().cloneCommand(CloneRequest.of(fixture.httpUrl(), "main"), tmp.resolve("x"));
        int option = command.indexOf("http.followRedirects=false");
        assertThat(option).isPositive();
        assertThat(command.get(option - 1)).isEqualTo("-c");
        assertThat(command.indexOf("clone")).isGreaterThan(option);
    }

    @Test
    void redirect_refusals_from_git_read_clearly() {
        assertThat(GitErrors.classify(
                                "fatal: unable to access 'http://localhost:1/notes.git/': The requested URL returned error: 302",
                                "main",
                                new GitErrors.Scrubber(java.util.Optional.empty(), List.of()))
                        .getMessage())
                .isEqualTo(GitErrors.REDIRECTED);
    }
}
