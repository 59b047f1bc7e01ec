package dev.repoworker.api;

import dev.repoworker.api.deploy.SubscriberPolicy;
import dev.repoworker.api.dispatch.Dispatcher;
import dev.repoworker.api.dispatch.TaskMapping;
import dev.repoworker.api.job.BatchWriter;
import dev.repoworker.api.job.Database;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.project.JdbiProjectStore;
import dev.repoworker.protocol.TaskDataRules;
import dev.repoworker.protocol.net.HostResolver;
import java.time.Clock;
import java.util.List;

/**
 * Part of the API's wiring: what the routes call. Jobs are submitted through one writer, one transaction per
 * batch of whatever arrived meanwhile, which wakes the dispatcher once committed; projects submit theirs through the
 * same {@link JobService}, and {@code subscriberPolicy} says where their deployment webhooks may go.
 */
record Services(
        BatchWriter<JobStore.NewJob, JobStore.Created> submissions,
        JobService jobs,
        ProjectService projects,
        SubscriberPolicy subscriberPolicy) {

    private static final int MAX_SUBMISSION_BATCH = 500;

    static Services wire(
            ApiConfig config,
            Clock clock,
            TaskDataRules rules,
            Database database,
            Foundation base,
            Dispatching dispatching) {
        JobStore store = base.store();
        Dispatcher dispatcher = dispatching.dispatcher();
        BatchWriter<JobStore.NewJob, JobStore.Created> submissions =
                new BatchWriter<>("submission-writer", MAX_SUBMISSION_BATCH, batch -> {
                    List<JobStore.Created> created = store.createAll(batch);
                    dispatcher.wakeUp();
                    return created;
                });
        TaskMapping mapping = new TaskMapping(config.gitHostUrl(), rules, clock);
        JobService jobs = new JobService(
                store.jobs(),
                mapping,
                base.secretBox(),
                dispatching.runners(),
                clock,
                config.maxAttempts(),
                dispatcher::wakeUp,
                submissions,
                new Backlog(store.jobs(), clock, config.maxPendingJobs()));
        SubscriberPolicy subscriberPolicy = new SubscriberPolicy(config.allowPrivateNetworks(), HostResolver.SYSTEM);
        ProjectService projects = new ProjectService(
                new JdbiProjectStore(database), jobs, mapping, base.secretBox(), subscriberPolicy, clock);
        return new Services(submissions, jobs, projects, subscriberPolicy);
    }
}
