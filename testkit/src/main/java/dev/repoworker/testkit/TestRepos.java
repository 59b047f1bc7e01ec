package dev.repoworker.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Real Git repositories for tests, made with the {@code git} CLI through argument arrays. Authors,
 * committers and dates are fixed, so the same steps give the same commit ids on every machine.
 */
public final class TestRepos {

    private TestRepos() {}

    /** {@code git init} with default branch {@code main} in {@code dir} (created when missing). */
    public static Repo init(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Repo repo = new Repo(dir);
        repo.git("init", "-q", "--initial-branch=main");
        repo.git("config", "commit.gpgsign", "false");
        repo.git("config", "core.autocrlf", "false");
        return repo;
    }

    /** A repository with one commit on {@code main} holding {@code files} (path → text content). */
    public static Repo withFiles(Path dir, Map<String, String> files) {
        Repo repo = init(dir);
        files.forEach(repo::write);
        repo.commit("initial");
        return repo;
    }

    /**
     * Runs {@code git args…} in {@code dir} with an isolated configuration and fixed identities;
     * returns trimmed stdout, throws with stderr when git exits non-zero.
     */
    public static String git(Path dir, String... args) {
        return git(dir, Map.of(), args);
    }

    static String git(Path dir, Map<String, String> extraEnv, String... args) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("GIT_"));
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_AUTHOR_NAME", "Test Author");
        env.put("GIT_AUTHOR_EMAIL", "author@example.test");
        env.put("GIT_COMMITTER_NAME", "Test Committer");
        env.put("GIT_COMMITTER_EMAIL", "committer@example.test");
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("LC_ALL", "C");
        env.putAll(extraEnv);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            byte[] stdout = readAll(process.getInputStream());
            int exit = process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed (" + exit + "): "
                        + new String(stderr.join(), StandardCharsets.UTF_8).trim());
            }
            return new String(stdout, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git", e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A working repository under construction. */
    public static final class Repo {
        private final Path dir;
        private int commits;

        Repo(Path dir) {
            this.dir = dir;
        }

        public Path dir() {
            return dir;
        }

        /** {@code file://} URL of this (non-bare) repository. */
        public String fileUrl() {
            return dir.toUri().toString();
        }

        public String git(String... args) {
            return TestRepos.git(dir, args);
        }

        public Repo write(String relativePath, String content) {
            return write(relativePath, content.getBytes(StandardCharsets.UTF_8));
        }

        public Repo write(String relativePath, byte[] content) {
            Path file = dir.resolve(relativePath).normalize();
            if (!file.startsWith(dir)) {
                throw new IllegalArgumentException("path leaves the repository: " + relativePath);
            }
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, content);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public Repo delete(String relativePath) {
            git("rm", "-q", "--", relativePath);
            return this;
        }

        /**
         * Writes {@code markdownFiles} notes of about {@code markdownBytes} each and {@code binaryFiles}
         * files of {@code binaryBytes} random (incompressible) bytes, all derived from {@code seed}.
         */
        public Repo generate(int markdownFiles, int markdownBytes, int binaryFiles, int binaryBytes, long seed) {
            Random random = new Random(seed);
            StringBuilder text = new StringBuilder();
            String[] words = {"note", "garden", "link", "vault", "idea", "draft", "graph", "topic", "alpha", "omega"};
            for (int i = 0; i < markdownFiles; i++) {
                text.setLength(0);
                text.append("---\ntitle: Note ")
                        .append(i)
                        .append("\ntags: [t")
                        .append(i % 17)
                        .append("]\n---\n\n# Note ")
                        .append(i)
                        .append("\n\n");
                while (text.length() < markdownBytes) {
                    text.append(words[random.nextInt(words.length)])
                            .append(random.nextInt(1000))
                            .append(random.nextInt(12) == 0 ? ".\n" : " ");
                    if (random.nextInt(80) == 0) {
                        text.append("[[Note ")
                                .append(random.nextInt(markdownFiles))
                                .append("]] ");
                    }
                }
                write("notes/" + (i % 50) + "/note-" + i + ".md", text.toString());
            }
            for (int i = 0; i < binaryFiles; i++) {
                byte[] data = new byte[binaryBytes];
                random.nextBytes(data);
                write("media/blob-" + i + ".bin", data);
            }
            return this;
        }

        /** Stages everything and commits; returns the new commit's full sha. */
        public String commit(String message) {
            commits++;
            String date = "2024-01-01T00:00:" + String.format("%02d", Math.min(commits, 59)) + "Z";
            git("add", "-A", "--", ".");
            TestRepos.git(
                    dir,
                    Map.of("GIT_AUTHOR_DATE", date, "GIT_COMMITTER_DATE", date),
                    "commit",
                    "-q",
                    "--allow-empty",
                    "-m",
                    message);
            return head();
        }

        public String head() {
            return git("rev-parse", "HEAD");
        }

        /** Creates {@code name} at HEAD and switches to it. */
        public Repo branch(String name) {
            git("checkout", "-q", "-b", name);
            return this;
        }

        public Repo checkout(String name) {
            git("checkout", "-q", name);
            return this;
        }

        public Repo tag(String name) {
            git("tag", name);
            return this;
        }

        public int commitCount() {
            return Integer.parseInt(git("rev-list", "--count", "HEAD"));
        }

        /**
         * {@code git clone --bare} of this repository to {@code parent/name} (name usually ends in
         * {@code .git}), ready to be served by {@link GitHttpServer} or cloned over {@code file://}.
         */
        public Path bareCopy(Path parent, String name) {
            Path target = parent.resolve(name);
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            TestRepos.git(parent, "clone", "-q", "--bare", "--no-local", "--", dir.toString(), target.toString());
            TestRepos.git(target, "config", "uploadpack.allowReachableSHA1InWant", "true");
            TestRepos.git(target, "config", "uploadpack.allowFilter", "true");
            return target;
        }
    }
}
