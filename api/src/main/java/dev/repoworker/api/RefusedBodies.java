package dev.repoworker.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * What is left of a body refused as too large, read and thrown away before the 413 goes out: a client that sends its
 * whole body before it reads the answer (most do; GitHub and the Worker's HTTP client do not wait for 100 Continue)
 * would otherwise see the connection closed under it and never read the 413. Only up to a bound: past it, the
 * connection is closed.
 */
final class RefusedBodies {

    private RefusedBodies() {}

    /**
     * True when the body should not be read at all before the 413: its client waits for 100 Continue (reading would
     * ask it for the body), or it declares more than {@code maxDiscardedBytes}.
     */
    static boolean answerAtOnce(Context ctx, long maxDiscardedBytes) {
        return "100-continue".equalsIgnoreCase(ctx.header("Expect"))
                || ctx.req().getContentLengthLong() > maxDiscardedBytes;
    }

    /** Reads {@code in} to its end, at most {@code maxDiscardedBytes}; a broken connection ends it quietly. */
    static void discard(InputStream in, long maxDiscardedBytes) {
        long left = maxDiscardedBytes;
        byte[] buffer = new byte[64 * 1024];
        try {
            int read;
            while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                left -= read;
            }
        } catch (IOException e) {
            // the client went away: there is nobody to answer
        }
    }
}
