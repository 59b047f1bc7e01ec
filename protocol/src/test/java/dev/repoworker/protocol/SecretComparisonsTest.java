package dev.repoworker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every comparison of a secret in the production code of every module goes through {@link ConstantTime}:
 * no {@code MessageDigest.isEqual} of its own, no {@code equals} on a value named like a secret.
 */
class SecretComparisonsTest {

    private static final String SECRETISH = "\\w*(?:secret|token|signature|password|passwd|hmac|cookie|apikey)\\w*";
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("MessageDigest\\s*\\.\\s*isEqual\\s*\\("),
            Pattern.compile(
                    "(?i)Arrays\\s*\\.\\s*equals\\s*\\([^)]*(?:" + SECRETISH + "|expected|given|digest|mac\\b)"),
            Pattern.compile("(?i)\\b" + SECRETISH
                    + "(?:\\(\\))?\\s*\\.\\s*(?:equals|equalsIgnoreCase|contentEquals|compareTo)\\s*\\("),
            Pattern.compile("(?i)(?<!ConstantTime)\\.\\s*(?:equals|equalsIgnoreCase|contentEquals)\\s*\\(\\s*"
                    + SECRETISH + "\\b"),
            Pattern.compile("(?i)Objects\\s*\\.\\s*equals\\s*\\([^)]*" + SECRETISH));

    @Test
    void production_code_compares_secrets_only_through_constant_time() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(root)) {
            sourceRoots = modules.map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .toList();
        }
        assertThat(sourceRoots)
                .extracting(p -> root.relativize(p).getName(0).toString())
                .contains("protocol", "worker", "api", "testkit");

        List<String> offences = new ArrayList<>();
        for (Path sourceRoot : sourceRoots) {
            try (Stream<Path> files = Files.walk(sourceRoot)) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    if (file.getFileName().toString().equals("ConstantTime.java")) {
                        continue;
                    }
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (offends(lines.get(i))) {
                            offences.add(root.relativize(file) + ":" + (i + 1) + ": "
                                    + lines.get(i).trim());
                        }
                    }
                }
            }
        }
        assertThat(offences).as("secret comparisons outside ConstantTime").isEmpty();
    }

    @Test
    void the_scan_recognises_the_comparisons_it_forbids() {
        assertThat(offends("return MessageDigest.isEqual(a, b);")).isTrue();
        assertThat(offends("if (token.equals(given)) {")).isTrue();
        assertThat(offends("if (given.equals(workerSecret)) {")).isTrue();
        assertThat(offends("return cookie().equalsIgnoreCase(value);")).isTrue();
        assertThat(offends("return Objects.equals(expectedSignature, header);")).isTrue();
        assertThat(offends("return Arrays.equals(expected, given);")).isTrue();
        assertThat(offends("return Arrays.equals(expectedMac, signatureBytes);"))
                .isTrue();
        assertThat(offends("if (Arrays.equals(prefix, MAPPED_PREFIX)) {")).isFalse();
        assertThat(offends("if (\"Bearer\".equals(scheme)) {")).isFalse();
        assertThat(offends("return ConstantTime.equals(token, given);")).isFalse();
    }

    private static boolean offends(String line) {
        return FORBIDDEN.stream().anyMatch(p -> p.matcher(line).find());
    }
}
