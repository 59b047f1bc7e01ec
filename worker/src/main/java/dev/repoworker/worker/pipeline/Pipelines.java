package dev.repoworker.worker.pipeline;

import dev.repoworker.protocol.TaskType;
import dev.repoworker.worker.artifacts.ArtifactStore;
import dev.repoworker.worker.artifacts.LocalArtifactStore;
import dev.repoworker.worker.assets.BuildAssetsTask;
import dev.repoworker.worker.deploy.Deployments;
import dev.repoworker.worker.embeddings.ComputeEmbeddingsTask;
import dev.repoworker.worker.enrich.EnrichDataTask;
import dev.repoworker.worker.repo.AcquireRepoTask;
import dev.repoworker.worker.repo.NewRepoFromTemplateTask;
import java.util.ArrayList;
import java.util.List;

/**
 * The Worker's pipelines, declared as lists of steps:
 * <ul>
 *   <li>{@code process-all}: build-assets → compute-embeddings → enrich-data (repository from repoUrl/repoPath);</li>
 *   <li>{@code process-with-repo}: acquire → the same steps (→ publish, for deploys);</li>
 *   <li>{@code process-from-template}: template → the same steps;</li>
 *   <li>{@code deploy-repo} (the original API's deploy): acquire → the same steps → publish, always.</li>
 * </ul>
 */
public final class Pipelines {

    private Pipelines() {}

    /** {@code store} publishes; {@code local} holds the folders the steps write in; {@code deployments} takes the deploys. */
    public static List<Pipeline> all(
            ArtifactStore store,
            LocalArtifactStore local,
            Deployments deployments,
            AcquireRepoTask acquire,
            NewRepoFromTemplateTask template,
            BuildAssetsTask build,
            ComputeEmbeddingsTask embeddings,
            EnrichDataTask enrich) {
        return List.of(
                new Pipeline(TaskType.PROCESS_ALL, processAll(local, build, embeddings, enrich, true), store),
                new Pipeline(
                        TaskType.PROCESS_WITH_REPO,
                        append(
                                prepend(Steps.acquire(acquire), processAll(local, build, embeddings, enrich, false)),
                                Steps.publish(deployments)),
                        store),
                new Pipeline(
                        TaskType.DEPLOY_REPO,
                        append(
                                prepend(Steps.acquire(acquire), processAll(local, build, embeddings, enrich, false)),
                                Steps.deploy(deployments)),
                        store),
                new Pipeline(
                        TaskType.PROCESS_FROM_TEMPLATE,
                        prepend(Steps.template(template), processAll(local, build, embeddings, enrich, false)),
                        store));
    }

    static List<PipelineStep<?>> processAll(
            LocalArtifactStore store,
            BuildAssetsTask build,
            ComputeEmbeddingsTask embeddings,
            EnrichDataTask enrich,
            boolean ownSource) {
        return List.of(
                Steps.buildAssets(build, store::directory, ownSource),
                Steps.computeEmbeddings(embeddings),
                Steps.enrichData(enrich));
    }

    private static List<PipelineStep<?>> append(List<PipelineStep<?>> steps, PipelineStep<?> last) {
        List<PipelineStep<?>> all = new ArrayList<>(steps);
        all.add(last);
        return all;
    }

    private static List<PipelineStep<?>> prepend(PipelineStep<?> first, List<PipelineStep<?>> rest) {
        List<PipelineStep<?>> steps = new ArrayList<>();
        steps.add(first);
        steps.addAll(rest);
        return steps;
    }
}
