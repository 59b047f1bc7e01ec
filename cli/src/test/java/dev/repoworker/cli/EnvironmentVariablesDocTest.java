package dev.repoworker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's tables of variables and the variables the code reads cannot drift apart: every name the main
 * sources read from the environment (through {@code Env}, {@code System.getenv}, picocli's {@code ${env:…}} or
 * Logback's {@code ${…:-…}}) is in the first cell of a README table row, and every name there is read.
 */
class EnvironmentVariablesDocTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<Pattern> READS = Stream.of(
                    "\\benv\\.(?:text|flag|integer|duration|positiveDuration|httpUrl|bytes|list|path|get|getOrDefault)\\(\\s*\"([A-Z][A-Z0-9_]+)\"",
                    "\\((?:env|environment|variables),\\s*\"([A-Z][A-Z0-9_]+)\"",
                    "\\b(?:environment|variables)\\.(?:get|getOrDefault)\\(\\s*\"([A-Z][A-Z0-9_]+)\"",
                    "getenv\\(\\s*\"([A-Z][A-Z0-9_]+)\"",
                    "\\brequired\\(\\s*\"([A-Z][A-Z0-9_]+)\"",
                    "\\$\\{env:([A-Z][A-Z0-9_]+)",
                    "\\$\\{([A-Z][A-Z0-9_]+):-")
            .map(Pattern::compile)
            .toList();
    /** Read by bin/repo-worker and bin/find-java, which are not Java. */
    private static final Set<String> READ_BY_SCRIPTS = Set.of("JAVA_HOME", "JAVA_OPTS");

    @Test
    void every_variable_the_code_reads_is_in_a_readme_table_and_every_one_there_is_read() throws IOException {
        Set<String> read = readByCode();
        Set<String> documented = documented();

        assertThat(read).as("read by the code but in no README table row").isSubsetOf(documented);
        Set<String> stale = new TreeSet<>(documented);
        stale.removeAll(read);
        stale.removeAll(READ_BY_SCRIPTS);
        assertThat(stale).as("in a README table row but read nowhere").isEmpty();
    }

    private static Set<String> readByCode() throws IOException {
        Set<String> names = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(ROOT)) {
            // testkit ships nowhere: what it reads (CI) belongs to the tests, not to a user's configuration
            sources = files.filter(f ->
                            f.toString().contains("/src/main/") && !f.toString().contains("/testkit/"))
                    .filter(f -> f.toString().endsWith(".java")
                            || f.getFileName().toString().equals("logback.xml"))
                    .toList();
        }
        for (Path source : sources) {
            String text = Files.readString(source);
            for (Pattern read : READS) {
                Matcher m = read.matcher(text);
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertThat(names)
                .as("the scan found the variables at all")
                .contains("PORT", "WORKER_SECRET", "DATABASE_URL", "LOG_FORMAT");
        return names;
    }

    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern name = Pattern.compile("`([A-Z][A-Z0-9_]+)`");
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("| `")) {
                Matcher m = name.matcher(line.substring(1, line.indexOf('|', 1)));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
