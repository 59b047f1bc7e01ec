package dev.repoworker.api.job;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * One writer for one write path. Callers hand their item over and wait; the writer thread takes everything
 * that arrived while its previous batch was being committed and writes it as one batch, then answers every
 * caller. No timer: a batch of one at low load, bigger under load, so a commit's cost is shared by however
 * many requests were waiting for it. A caller is answered only after the commit that holds its item.
 */
public final class BatchWriter<I, O> implements AutoCloseable {

    private record Waiting<I, O>(I item, CompletableFuture<O> answer) {}

    private final BlockingQueue<Waiting<I, O>> queue = new LinkedBlockingQueue<>();
    private final Function<List<I>, List<O>> write;
    private final int maxBatch;
    private final Thread thread;
    private volatile boolean closed;

    /** @param write writes a batch in one transaction and answers one output per input, in order */
    public BatchWriter(String name, int maxBatch, Function<List<I>, List<O>> write) {
        this.write = write;
        this.maxBatch = maxBatch;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Writes {@code item} with whatever else is waiting; returns its output once committed, or throws what the batch threw. */
    public O write(I item) {
        return writeAll(List.of(item)).get(0);
    }

    /** Writes {@code items} in the coming batch (or batches) together; returns their outputs in order once committed. */
    public List<O> writeAll(List<I> items) {
        if (closed) {
            throw new IllegalStateException("shutting down");
        }
        List<CompletableFuture<O>> answers = new ArrayList<>();
        List<Waiting<I, O>> waiting = new ArrayList<>();
        for (I item : items) {
            CompletableFuture<O> answer = new CompletableFuture<>();
            answers.add(answer);
            waiting.add(new Waiting<>(item, answer));
        }
        queue.addAll(waiting);
        try {
            return answers.stream().map(CompletableFuture::join).toList();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    private void run() {
        List<Waiting<I, O>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, maxBatch - 1);
            writeBatch(batch);
            batch.clear();
        }
        Waiting<I, O> left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(new IllegalStateException("shutting down"));
        }
    }

    private void writeBatch(List<Waiting<I, O>> batch) {
        List<O> outputs;
        try {
            outputs = write.apply(batch.stream().map(Waiting::item).toList());
        } catch (RuntimeException | Error e) {
            batch.forEach(w -> w.answer().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).answer().complete(outputs.get(i));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
