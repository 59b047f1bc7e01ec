package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Credentials inside URLs in Git's messages never reach a task's error. */
class GitErrorsTest {

    static final String SECRET = "hunter2-s3cr3t";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "fatal: unable to access 'https://leaker:" + SECRET + "@github.com/a/b.git/': Could not resolve host",
                "fatal: unable to access 'https://" + SECRET
                        + "@github.com/a/b.git/': The requested URL returned error: 500",
                "fatal: unable to access 'https://leaker:p@ss" + SECRET + "@github.com/a/b.git/': timeout",
                "fatal: unable to access 'http://127.0.0.1:8080/a/b.git?access_token=" + SECRET + "/': Empty reply",
                "fatal: unable to access 'http://127.0.0.1:8080/a/b.git#" + SECRET + "': Empty reply",
                "error: redirect to http://leaker:" + SECRET
                        + "@10.0.0.1/x.git/info/refs?service=git-upload-pack failed",
                "http://leaker:" + SECRET
                        + "@127.0.0.1:1/x.git/info/refs?service=git-upload-pack: cannot open git-upload-pack",
                "fatal: ssh://git:" + SECRET + "@example.com/x.git: connection refused"
            })
    void credentials_and_queries_in_urls_are_removed_from_error_messages(String stderr) {
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(Optional.empty(), List.of(Path.of("/tmp/work")));

        String message = GitErrors.classify(stderr, "main", scrubber).getMessage();

        assertThat(message).doesNotContain(SECRET).doesNotContain("leaker").doesNotContain("p@ss");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://github.com/a/b.git", "http://127.0.0.1:8080/a/b.git/"})
    void a_plain_url_is_kept(String url) {
        GitErrors.Scrubber scrubber = new GitErrors.Scrubber(Optional.empty(), List.of());

        assertThat(scrubber.scrub("unable to access '" + url + "': Empty reply"))
                .contains(url);
    }
}
