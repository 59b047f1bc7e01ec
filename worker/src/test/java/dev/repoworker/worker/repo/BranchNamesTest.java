package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BranchNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"main", "feature/x", "release-1.2", "user/name/topic", "v1.0", "a_b", "ünïcode", "x@y"})
    void valid_branch_names_pass(String name) {
        assertThat(BranchNames.problem(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--upload-pack=x", "-x", "a..b", "a b", "tab\tname", "nl\nname", "bell\u0007", "del\u007f",
            "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", "a@{1}", "@", "HEAD", "x.lock", "a/b.lock/c", ".hidden",
            "a/.b", "a/", "/a", "a//b", "a.", ""})
    void invalid_branch_names_are_rejected(String name) {
        assertThat(BranchNames.problem(name)).isPresent();
    }

    @Test
    // "@" and "HEAD" are refused on purpose although "--branch" would expand them
    void java_rules_agree_with_git_check_ref_format(@TempDir Path dir) {
        String[] names = {"main", "feature/x", "a..b", "-x", "a b", "x.lock", "a/.b", "a//b", "a.", "a@{1}", "a~b",
                "v1.0", "a/b/c", "a:b", "ünïcode"};
        for (String name : names) {
            boolean gitAccepts;
            try {
                TestRepos.git(dir, "check-ref-format", "--branch", name);
                gitAccepts = !name.startsWith("-");
            } catch (IllegalStateException e) {
                gitAccepts = false;
            }
            assertThat(BranchNames.isValid(name)).as(name).isEqualTo(gitAccepts);
        }
    }

    @Test
    void commit_ids_are_full_hex_shas() {
        assertThat(CommitIds.normalize("A".repeat(40))).contains("a".repeat(40));
        assertThat(CommitIds.isValid("0123456789abcdef".repeat(4))).isTrue();
        assertThat(CommitIds.isValid("abc123")).isFalse();
        assertThat(CommitIds.isValid("g".repeat(40))).isFalse();
        assertThat(CommitIds.isValid("a".repeat(41))).isFalse();
        assertThat(CommitIds.isValid("--upload-pack=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")).isFalse();
        assertThat(CommitIds.isValid(null)).isFalse();
    }
}
