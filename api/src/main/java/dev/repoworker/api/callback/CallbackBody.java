package dev.repoworker.api.callback;

import com.fasterxml.jackson.databind.JsonNode;
import dev.repoworker.api.job.InvalidInputException;
import dev.repoworker.protocol.Json;
import dev.repoworker.protocol.Signatures;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A callback body read straight from the request into its JSON tree: counted against the limit as it streams
 * (413 past it, whatever {@code Content-Length} claimed), decoded strictly as UTF-8, and fed to the signature
 * check on the way, so the body is never held as bytes or text besides its tree.
 */
final class CallbackBody {

    private CallbackBody() {}

    /**
     * The body's JSON tree. With {@code signature}, every byte of the body is fed to it, also when the body is not
     * valid JSON (the rest is drained), so the caller can tell a forged request (401) from a bad one (400).
     */
    static JsonNode read(InputStream body, long maxBytes, Signatures.Pending signature) {
        Tap tap = new Tap(body, maxBytes, signature);
        try {
            JsonNode tree = Json.parseUntrusted(tap);
            tap.drain();
            return tree;
        } catch (Json.InvalidJsonException e) {
            tap.drainQuietly();
            if (tap.exceeded) {
                throw new CallbackTooLargeException(maxBytes);
            }
            throw new InvalidInputException(e.field() == null ? "body" : e.field(), e.getMessage());
        } catch (IOException e) {
            if (tap.exceeded) {
                throw new CallbackTooLargeException(maxBytes);
            }
            throw new InvalidInputException("body", "the body could not be read");
        }
    }

    /** Counts the bytes read, refuses those past the limit, and hands each to the signature check. */
    private static final class Tap extends FilterInputStream {
        private final long maxBytes;
        private final Signatures.Pending signature;
        private long count;
        private boolean exceeded;

        Tap(InputStream in, long maxBytes, Signatures.Pending signature) {
            super(in);
            this.maxBytes = maxBytes;
            this.signature = signature;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (exceeded) {
                throw new IOException("over the limit");
            }
            int n = super.read(buffer, offset, length);
            if (n <= 0) {
                return n;
            }
            count += n;
            if (count > maxBytes) {
                exceeded = true;
                throw new IOException("over the limit");
            }
            if (signature != null) {
                signature.update(buffer, offset, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[(int) Math.min(n, 8192)];
            int read = read(buffer, 0, buffer.length);
            return Math.max(read, 0);
        }

        /** The request's stream is the container's to close; the parser closing its reader must not. */
        @Override
        public void close() {}

        /** Reads what the parser left, so the signature covers the whole body. */
        void drain() throws IOException {
            byte[] buffer = new byte[8192];
            while (read(buffer, 0, buffer.length) >= 0) {
                // counted and signed by read
            }
        }

        void drainQuietly() {
            try {
                drain();
            } catch (IOException e) {
                // over the limit, or the connection broke: the caller looks at exceeded
            }
        }
    }
}
