package dev.repoworker.worker.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.repoworker.testkit.TestRepos;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BranchNamesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "main",
                "feature/x",
                "release-1.2",
                "user/name/topic",
                "v1.0",
                "a_b",
                "ünïcode",
                "x@y",
                "日本語/ノート",
                "emoji-\uD83D\uDE00"
            })
    void valid_branch_names_pass(String name) {
        assertThat(BranchNames.problem(name)).isEmpty();
    }

    /** Every hostile branch name and the reason given for refusing it. */
    static Stream<Arguments> hostileBranchNames() {
        return Stream.of(
                arguments("--upload-pack=touch /tmp/pwned", "must not start with '-'"),
                arguments("--upload-pack=x", "must not start with '-'"),
                arguments("-x", "must not start with '-'"),
                arguments("-", "must not start with '-'"),
                arguments("..", "'..'"),
                arguments("a..b", "'..'"),
                arguments("../../etc/passwd", "'..'"),
                arguments("a b", "spaces"),
                arguments(" main", "spaces"),
                arguments("main ", "spaces"),
                arguments("no\u00A0break", "spaces"),
                arguments("ideographic\u3000space", "spaces"),
                arguments("line\u2028separator", "spaces"),
                arguments("tab\tname", "control characters"),
                arguments("nl\nname", "control characters"),
                arguments("cr\rname", "control characters"),
                arguments("nul\u0000", "control characters"),
                arguments("bell\u0007", "control characters"),
                arguments("esc\u001B[31mred", "control characters"),
                arguments("del\u007F", "control characters"),
                arguments("csi\u009B31m", "control characters"),
                arguments("\u202Eevil", "invisible formatting"),
                arguments("zero\u200Bwidth", "invisible formatting"),
                arguments("bom\uFEFF", "invisible formatting"),
                arguments("half\uD800", "valid Unicode"),
                arguments("\uDC00low", "valid Unicode"),
                arguments("a~1", "~^:?*[\\"),
                arguments("a^", "~^:?*[\\"),
                arguments("a:b", "~^:?*[\\"),
                arguments("a?", "~^:?*[\\"),
                arguments("a*", "~^:?*[\\"),
                arguments("a[b", "~^:?*[\\"),
                arguments("a\\b", "~^:?*[\\"),
                arguments("a@{1}", "'@{'"),
                arguments("a//b", "'//'"),
                arguments("@", "is not a branch name"),
                arguments("HEAD", "is not a branch name"),
                arguments("x.lock", "'.lock'"),
                arguments("a/b.lock/c", "'.lock'"),
                arguments(".hidden", "starting with '.'"),
                arguments("a/.b", "starting with '.'"),
                arguments("a/", "end with '/'"),
                arguments("/a", "start or end with '/'"),
                arguments("a.", "end with '.'"),
                arguments("", "is required"),
                arguments("x".repeat(256), "longer than 255"));
    }

    @ParameterizedTest
    @MethodSource("hostileBranchNames")
    void hostile_branch_names_are_refused_with_a_reason(String name, String reason) {
        assertThat(BranchNames.problem(name))
                .hasValueSatisfying(problem -> assertThat(problem).contains(reason));
    }

    @Test
    // "@" and "HEAD" are refused on purpose although "--branch" would expand them
    void java_rules_agree_with_git_check_ref_format(@TempDir Path dir) {
        String[] names = {
            "main",
            "feature/x",
            "a..b",
            "-x",
            "a b",
            "x.lock",
            "a/.b",
            "a//b",
            "a.",
            "a@{1}",
            "a~b",
            "v1.0",
            "a/b/c",
            "a:b",
            "ünïcode"
        };
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
        assertThat(CommitIds.isValid("0123456789abcdef".repeat(4).substring(0, 40)))
                .isTrue();
        assertThat(CommitIds.isValid(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "HEAD",
                "main",
                "abc123",
                "--upload-pack=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                "-x",
                "..",
                "0123456789abcdef0123456789abcdef0123456",
                "0123456789abcdef0123456789abcdef012345678",
                "0123456789abcdef0123456789abcdef01234567\n",
                " 0123456789abcdef0123456789abcdef01234567",
                "0123456789abcdef0123456789abcdef01234567^",
                "0123456789abcdef0123456789abcdef01234567~1",
                "0123456789abcdef0123456789abcdef01234567..",
                "0123456789abcdef0123456789abcdef01234567:README.md",
                "gggggggggggggggggggggggggggggggggggggggg",
                "0123456789abcdef0123456789abcdef0123456\u0661",
                "0123456789abcdef0123456789abcdef01234567\u0000",
                ""
            })
    void anything_but_a_full_hex_commit_id_is_refused(String id) {
        assertThat(CommitIds.isValid(id)).isFalse();
        assertThat(CommitIds.normalize(id)).isEmpty();
    }
}
