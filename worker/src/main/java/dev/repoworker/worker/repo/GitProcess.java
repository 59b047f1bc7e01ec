package dev.repoworker.worker.repo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one {@code git} command from an argument array with an exact environment. stdout and stderr
 * are read by helper threads with bounded buffers; progress lines on stderr go to a listener instead
 * of the buffer. Interrupting the calling thread kills the process and its children.
 */
final class GitProcess {

    static final int MAX_STDERR = 32 * 1024;
    static final int MAX_STDOUT = 1024 * 1024;
    private static final Pattern PROGRESS = Pattern.compile(
            "^(?:remote: )?([A-Za-z][A-Za-z ]*):\\s+(\\d+)% \\((\\d+)/(\\d+)\\)");

    record Result(int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private GitProcess() {
    }

    static Result run(List<String> command, Map<String, String> environment, Path workingDir, GitProgress progress)
            throws IOException, InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before git started");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().putAll(environment);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process = builder.start();
        process.getOutputStream().close();
        BoundedReader stdout = new BoundedReader(process.getInputStream(), MAX_STDOUT, null);
        BoundedReader stderr = new BoundedReader(process.getErrorStream(), MAX_STDERR, progressParser(progress));
        Thread outThread = daemon(stdout, "git-stdout");
        Thread errThread = daemon(stderr, "git-stderr");
        try {
            int exit = process.waitFor();
            outThread.join(TimeUnit.SECONDS.toMillis(10));
            errThread.join(TimeUnit.SECONDS.toMillis(10));
            return new Result(exit, stdout.text(), stderr.text());
        } catch (InterruptedException e) {
            killTree(process);
            throw new InterruptedException("git was stopped because the job was interrupted");
        }
    }

    /** Kills {@code process} and every process it started (git spawns remote helpers, index-pack …). */
    static void killTree(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException again) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static Consumer<String> progressParser(GitProgress progress) {
        return line -> {
            Matcher m = PROGRESS.matcher(line);
            if (m.find()) {
                progress.update(m.group(1).trim(), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)));
            }
        };
    }

    private static boolean isProgress(String line) {
        return PROGRESS.matcher(line).find() || line.startsWith("remote: Enumerating objects")
                || line.startsWith("remote: Total ");
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Drains a stream; keeps at most {@code limit} bytes of non-progress lines. */
    private static final class BoundedReader implements Runnable {
        private final InputStream in;
        private final int limit;
        private final Consumer<String> progressLines;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        BoundedReader(InputStream in, int limit, Consumer<String> progressLines) {
            this.in = in;
            this.limit = limit;
            this.progressLines = progressLines;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (progressLines == null) {
                        keep(buffer, 0, n);
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        byte b = buffer[i];
                        if (b == '\r' || b == '\n') {
                            endLine((char) b);
                        } else if (line.size() < 4096) {
                            line.write(b);
                        }
                    }
                }
                if (progressLines != null) {
                    endLine('\n');
                }
            } catch (IOException | RuntimeException ignored) {
                // the process was killed or closed its pipe; what was read is kept
            }
        }

        private void endLine(char end) {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.isEmpty()) {
                return;
            }
            if (isProgress(text)) {
                progressLines.accept(text);
            } else {
                byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
                keep(bytes, 0, bytes.length);
            }
        }

        private synchronized void keep(byte[] bytes, int offset, int length) {
            int room = limit - kept.size();
            if (room > 0) {
                kept.write(bytes, offset, Math.min(room, length));
            }
        }

        synchronized String text() {
            return kept.toString(StandardCharsets.UTF_8);
        }
    }
}
