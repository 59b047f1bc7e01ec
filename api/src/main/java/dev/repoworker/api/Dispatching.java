package dev.repoworker.api;

import dev.repoworker.api.callback.CallbackHandler;
import dev.repoworker.api.dispatch.Dispatcher;
import dev.repoworker.api.dispatch.Reconciler;
import dev.repoworker.api.dispatch.RunnerStop;
import dev.repoworker.api.dispatch.WorkerClient;
import dev.repoworker.api.fallback.LegacyJobRunner;
import dev.repoworker.api.fallback.LocalProcessRunner;
import dev.repoworker.api.fallback.SimulatedRunner;
import dev.repoworker.api.job.JobStore;
import dev.repoworker.api.loop.Periodic;
import dev.repoworker.protocol.Backoff;
import dev.repoworker.protocol.Signatures;
import java.time.Clock;
import java.util.List;

/**
 * Part of the API's wiring: how jobs get run and report back. The Worker client and the callbacks share the
 * {@code WORKER_SECRET} signatures; {@code fallback} is null when no fallback runner is configured; {@code backoff}
 * is the one backoff for every retry the API makes (dispatches and deployment webhooks).
 */
record Dispatching(
        WorkerClient workerClient,
        CallbackHandler callbacks,
        LegacyJobRunner fallback,
        RunnerStop runners,
        Backoff backoff,
        Dispatcher dispatcher) {

    private static final int SENDER_THREADS = 8;

    static Dispatching wire(ApiConfig config, Clock clock, Foundation base) {
        JobStore store = base.store();
        Signatures verifying = config.workerSecrets().isEmpty() ? null : Signatures.of(config.workerSecrets());
        Signatures signing = verifying != null ? verifying : Signatures.of(List.of(Signatures.newSecret()));
        WorkerClient workerClient = new WorkerClient(signing, config.workerAuth(), config.workerTimeout(), clock);
        CallbackHandler callbacks = new CallbackHandler(
                store,
                base.secretBox(),
                verifying,
                clock,
                config.jobLease(),
                base.metrics(),
                config.maxCallbackBytes());
        LegacyJobRunner fallback = fallbackRunner(config, signing, callbacks, store, base.loops(), clock);
        RunnerStop runners = new RunnerStop(store.jobs(), workerClient, fallback, clock);
        Backoff backoff = new Backoff(config.dispatchBackoff(), config.dispatchBackoffMax());
        Dispatcher dispatcher = new Dispatcher(
                store.jobs(),
                store.outbox(),
                base.secretBox(),
                workerClient,
                fallback,
                runners,
                backoff,
                new Dispatcher.Settings(
                        config.workerUrls(),
                        config.dispatchMaxTries(),
                        config.dispatchClaimOrDefault(),
                        SENDER_THREADS,
                        config.dispatchBatch(),
                        config.simulate(),
                        config.dispatchPoll()),
                clock,
                base.metrics(),
                base.loops());
        return new Dispatching(workerClient, callbacks, fallback, runners, backoff, dispatcher);
    }

    Reconciler reconciler(ApiConfig config, JobStore store, Clock clock) {
        return new Reconciler(
                store.jobs(), store.outbox(), workerClient, dispatcher, callbacks, fallback, clock, config.jobLease());
    }

    /** The fallback runner's wire name, or "none". */
    String fallbackName() {
        return fallback == null ? "none" : fallback.kind().wireName();
    }

    /** The simulation in development, {@code LEGACY_JOB_COMMAND} when set, else none (null). */
    private static LegacyJobRunner fallbackRunner(
            ApiConfig config,
            Signatures signing,
            CallbackHandler callbacks,
            JobStore store,
            Periodic loops,
            Clock clock) {
        if (config.simulate()) {
            return new SimulatedRunner(
                    loops.scheduler(),
                    config.simulationDelay(),
                    cb -> Periodic.safely("simulation", () -> callbacks.apply(cb)),
                    clock);
        }
        if (config.legacyCommand().isEmpty()) {
            return null;
        }
        return new LocalProcessRunner(
                config.legacyCommand(),
                config.legacyMaxParallel(),
                signing.bearerToken(),
                new FallbackExitListener(store.jobs(), callbacks, clock));
    }
}
