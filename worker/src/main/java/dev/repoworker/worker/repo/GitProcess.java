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
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one {@code git} command from an argument array with an exact environment. stdout and stderr
 * are read by helper threads with bounded buffers; progress lines on stderr go to a listener instead
 * of the buffer. Interrupting the calling thread kills the process and its children. A download can be
 * watched ({@link DiskLimit}: git is killed when its folder grows past a size) and a long listing can be
 * streamed ({@link #stream}: stdout record by record, git killed when the reader has seen enough).
 */
final class GitProcess {

    static final int MAX_STDERR = 32 * 1024;
    static final int MAX_STDOUT = 1024 * 1024;
    static final int MAX_RECORD = 4096;
    private static final Pattern PROGRESS =
            Pattern.compile("^(?:remote: )?([A-Za-z][A-Za-z ]*):\\s+(\\d+)% \\((\\d+)/(\\d+)\\)");

    /** {@code overLimit}: git was killed because its {@link DiskLimit} was passed. */
    record Result(int exitCode, String stdout, String stderr, boolean overLimit) {
        boolean ok() {
            return exitCode == 0 && !overLimit;
        }
    }

    /** While the command runs, {@code dir} may hold at most {@code maxBytes}. */
    record DiskLimit(Path dir, long maxBytes) {}

    private GitProcess() {}

    static Result run(List<String> command, Map<String, String> environment, Path workingDir, GitProgress progress)
            throws IOException, InterruptedException {
        return run(command, environment, workingDir, progress, null, null);
    }

    /** Like {@link #run(List, Map, Path, GitProgress)}, killing git once {@code limit} is passed. */
    static Result run(List<String> command, Map<String, String> environment, GitProgress progress, DiskLimit limit)
            throws IOException, InterruptedException {
        return run(command, environment, null, progress, limit, null);
    }

    /**
     * Runs {@code command} handing its stdout to {@code records} one NUL-terminated record at a time (at most
     * the first {@value #MAX_RECORD} bytes of each); when {@code records} answers false, git is killed.
     */
    static Result stream(List<String> command, Map<String, String> environment, Predicate<String> records)
            throws IOException, InterruptedException {
        return run(command, environment, null, GitProgress.NONE, null, records);
    }

    private static Result run(
            List<String> command,
            Map<String, String> environment,
            Path workingDir,
            GitProgress progress,
            DiskLimit limit,
            Predicate<String> records)
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
        Runnable stdoutReader =
                records == null ? stdout : new RecordReader(process.getInputStream(), records, () -> killTree(process));
        BoundedReader stderr = new BoundedReader(process.getErrorStream(), MAX_STDERR, progressParser(progress));
        Thread outThread = daemon(stdoutReader, "git-stdout");
        Thread errThread = daemon(stderr, "git-stderr");
        DiskWatch watch =
                limit == null ? null : DiskWatch.start(limit.dir(), limit.maxBytes(), () -> killTree(process));
        try {
            int exit = process.waitFor();
            outThread.join(TimeUnit.SECONDS.toMillis(10));
            errThread.join(TimeUnit.SECONDS.toMillis(10));
            boolean overLimit = watch != null && watch.stop();
            return new Result(exit, stdout.text(), stderr.text(), overLimit);
        } catch (InterruptedException e) {
            killTree(process);
            throw new InterruptedException("git was stopped because the job was interrupted");
        } finally {
            if (watch != null) {
                watch.stop();
            }
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
        return PROGRESS.matcher(line).find()
                || line.startsWith("remote: Enumerating objects")
                || line.startsWith("remote: Total ");
    }

    /** A virtual thread per stream of a child: each only waits on a pipe. */
    private static Thread daemon(Runnable runnable, String name) {
        return Thread.ofVirtual().name(name).start(runnable);
    }

    /** Splits a stream at NUL bytes; keeps the first {@link #MAX_RECORD} bytes of each record (the fields come first). */
    private static final class RecordReader implements Runnable {
        private final InputStream in;
        private final Predicate<String> records;
        private final Runnable stop;
        private final ByteArrayOutputStream record = new ByteArrayOutputStream();

        RecordReader(InputStream in, Predicate<String> records, Runnable stop) {
            this.in = in;
            this.records = records;
            this.stop = stop;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != 0) {
                            if (record.size() < MAX_RECORD) {
                                record.write(buffer[i]);
                            }
                            continue;
                        }
                        String text = record.toString(StandardCharsets.UTF_8);
                        record.reset();
                        if (!records.test(text)) {
                            stop.run();
                            return;
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                stop.run(); // a reader that cannot go on must not leave git writing into a full pipe
            }
        }
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
