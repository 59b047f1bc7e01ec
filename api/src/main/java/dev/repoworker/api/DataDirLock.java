package dev.repoworker.api;

import dev.repoworker.protocol.StartupException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One process per embedded store: an exclusive lock on {@code DATA_DIR/repo-worker.lock}, held while the API
 * runs and released by the operating system when the process dies, {@code kill -9} included.
 */
public final class DataDirLock implements AutoCloseable {

    static final String FILE = "repo-worker.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw taken(dataDir, null);
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw taken(dataDir, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StartupException("cannot use " + dataDir + ": " + e.getMessage() + " (DATA_DIR)", e);
        } catch (StartupException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static StartupException taken(Path dataDir, Throwable cause) {
        return new StartupException(
                "another repo-worker is using " + shown(dataDir) + " (stop it or set DATA_DIR)", cause);
    }

    private static String shown(Path dataDir) {
        Path here = Path.of("").toAbsolutePath();
        return dataDir.startsWith(here) && !dataDir.equals(here) ? "./" + here.relativize(dataDir) : dataDir.toString();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // nothing was locked
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the process is stopping; the lock goes with it
        }
    }
}
