package dev.repoworker.worker.process;

import java.util.Arrays;

/** Values ordered by when they expire: a binary min-heap in two parallel arrays, 16 bytes an entry, no boxing. */
final class ExpiryHeap {

    private long[] expiries = new long[16];
    private long[] values = new long[16];
    private int size;

    int size() {
        return size;
    }

    void add(long expiresAtMillis, long value) {
        if (size == values.length) {
            expiries = Arrays.copyOf(expiries, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        int at = size++;
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (expiries[parent] <= expiresAtMillis) {
                break;
            }
            move(parent, at);
            at = parent;
        }
        expiries[at] = expiresAtMillis;
        values[at] = value;
    }

    /** When the soonest entry expires; only while not empty. */
    long soonestExpiry() {
        return expiries[0];
    }

    /** Removes the soonest entry and returns its value; only while not empty. */
    long poll() {
        long soonest = values[0];
        size--;
        long lastExpiry = expiries[size];
        long lastValue = values[size];
        int at = 0;
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && expiries[child + 1] < expiries[child]) {
                child++;
            }
            if (expiries[child] >= lastExpiry) {
                break;
            }
            move(child, at);
            at = child;
        }
        expiries[at] = lastExpiry;
        values[at] = lastValue;
        return soonest;
    }

    private void move(int from, int to) {
        expiries[to] = expiries[from];
        values[to] = values[from];
    }
}
