package dev.repoworker.worker;

import dev.repoworker.testkit.CallbackReceiver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Workers and callback receivers one test starts, as a JUnit extension: after each test it stops the Workers
 * before the receivers they deliver to.
 */
final class WorkerFixture implements AutoCloseable, AfterEachCallback {

    private final String secret;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    WorkerFixture(String secret) {
        this.secret = secret;
    }

    /** A Worker with {@link TestWorkers#env} plus {@code overrides}, and a signing client for it. */
    SignedHttp worker(Path tempDir, Map<String, String> overrides) {
        Map<String, String> env = TestWorkers.env(secret, tempDir);
        env.putAll(overrides);
        WorkerApp app = TestWorkers.start(env);
        toClose.add(app::stop);
        return new SignedHttp(app.port(), secret);
    }

    CallbackReceiver receiver() {
        CallbackReceiver receiver = CallbackReceiver.verifying(secret);
        toClose.add(receiver);
        return receiver;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    @Override
    public void close() throws Exception {
        toClose.sort(java.util.Comparator.comparing(c -> c instanceof CallbackReceiver));
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
    }
}
