package dev.repoworker.worker.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The contract on the local disk ({@code ARTIFACT_STORE=local}): deploys under {@code ARTIFACTS_DIR/projects/}. */
class LocalDeploymentsTest extends DeploymentsContract {

    private Path root() {
        return temp.resolve("store");
    }

    @Override
    Deployments deployments() {
        return new Deployments(DeployStore.of(root(), Optional.empty()));
    }

    @Override
    Deployments broken() {
        try {
            // ARTIFACTS_DIR is a file: no folder can be made in it
            Path notAFolder = Files.writeString(temp.resolve("not-a-folder"), "x");
            return new Deployments(DeployStore.of(notAFolder, Optional.empty()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    Optional<byte[]> read(String key) throws IOException {
        Path file = root().resolve(key);
        return Files.isRegularFile(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
    }

    @Override
    String kind() {
        return "local";
    }

    @Override
    boolean sharesMedia() {
        return false;
    }
}
