package dev.repoworker.protocol;

/**
 * A service cannot start for a reason its operator can fix. The message is one line that names what is
 * wrong and what to do ({@code another repo-worker is using ./data (stop it or set DATA_DIR)}); the launcher
 * prints it alone and exits 2.
 */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The port a service was asked to listen on is taken; the launcher adds which variable sets it. */
    public static final class PortInUse extends StartupException {
        private final int port;

        public PortInUse(int port, Throwable cause) {
            super("port " + port + " is in use", cause);
            this.port = port;
        }

        public int port() {
            return port;
        }
    }
}
