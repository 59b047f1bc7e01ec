package dev.repoworker.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Starts the packaged launcher jar as a real child process, as an operator or Cloud Run would. */
final class Launcher {

    private Launcher() {}

    static Path jar() {
        Path jar = Path.of(System.getProperty("repoworker.jar", "target/repo-worker.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("launcher jar not built: " + jar.toAbsolutePath());
        }
        return jar;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> archiveOptions;

    /**
     * The options that map a class-data archive of the launcher's classes, made once per test JVM by one small
     * {@code process} run (as {@code bin/repo-worker} does for its users): each of the many launches then starts
     * sooner. Read-only, so launches running at once never write it; none when it could not be made. The JVM's own
     * log lines stay off the outputs the tests read, as {@code bin/repo-worker} keeps them off.
     */
    private static synchronized List<String> classArchive() {
        if (archiveOptions == null) {
            archiveOptions = makeClassArchive()
                    .map(archive -> List.of(
                            "-XX:SharedArchiveFile=" + archive,
                            "-Xlog:disable",
                            "-Xlog:all=warning:stderr",
                            "-Xlog:cds*=off:stderr"))
                    .orElse(List.of());
        }
        return archiveOptions;
    }

    private static Optional<Path> makeClassArchive() {
        Path jar = jar().toAbsolutePath();
        Path archive = jar.resolveSibling("it-classes.jsa");
        try {
            if (Files.isRegularFile(archive)
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                return Optional.of(archive);
            }
            Path work = Files.createTempDirectory(jar.getParent(), "it-archive");
            Path vault = Files.createDirectories(work.resolve("vault"));
            Files.writeString(vault.resolve("Note.md"), "# Note\n\nA [[link]] and **words**.\n");
            Path made = work.resolve("classes.jsa");
            Process process = new ProcessBuilder(
                            java(),
                            "-Xmx256m",
                            "-XX:ArchiveClassesAtExit=" + made,
                            "-Xlog:disable",
                            "-jar",
                            jar.toString(),
                            "process",
                            "--no-cache",
                            "--out",
                            work.resolve("out").toString(),
                            vault.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("log.txt").toFile())
                    .start();
            if (process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)
                    && process.exitValue() == 0
                    && Files.isRegularFile(made)) {
                Files.move(made, archive, StandardCopyOption.REPLACE_EXISTING);
                return Optional.of(archive);
            }
            process.destroyForcibly();
        } catch (IOException e) {
            // launches simply go without the archive
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    /** What a finished command printed, apart, and its exit status. */
    record Result(int exit, String stdout, String stderr) {}

    /** Runs a command to its end (at most {@code timeoutSeconds}) with stdout and stderr kept apart. */
    static Result run(Map<String, String> env, Path dir, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".log");
        Path err = Files.createTempFile(dir, "stderr", ".log");
        ProcessBuilder builder = builder(env, args)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "repo-worker " + String.join(" ", args) + " still running after " + timeoutSeconds + " s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        return builder(env, args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static ProcessBuilder builder(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m"));
        command.addAll(classArchive());
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("JOB_")
                        || k.equals("TASK")
                        || k.equals("DATA")
                        || k.equals("CALLBACK_URL")
                        || k.startsWith("WORKER_")
                        || k.equals("PORT")
                        || k.startsWith("LOG_")
                        || k.equals("DATABASE_URL"));
        builder.environment().putAll(env);
        return builder;
    }
}
