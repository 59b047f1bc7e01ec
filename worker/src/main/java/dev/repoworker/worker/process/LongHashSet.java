package dev.repoworker.worker.process;

/**
 * A set of longs in one open-addressed array (linear probing): 8 bytes a slot at most half full, no
 * boxing, so a million entries take 16 to 32 MB instead of the ~100 MB of a {@code HashSet<Long>}.
 * Zero marks an empty slot, so zero itself is kept aside in a flag.
 */
final class LongHashSet {

    private static final int FIRST_CAPACITY = 16;

    private long[] slots = new long[FIRST_CAPACITY];
    private int size;
    private boolean containsZero;

    int size() {
        return size;
    }

    boolean contains(long value) {
        if (value == 0) {
            return containsZero;
        }
        return slots[find(slots, value)] == value;
    }

    /** False when the value was there already. */
    boolean add(long value) {
        if (value == 0) {
            if (containsZero) {
                return false;
            }
            containsZero = true;
            size++;
            return true;
        }
        int slot = find(slots, value);
        if (slots[slot] == value) {
            return false;
        }
        slots[slot] = value;
        size++;
        if (size * 2L > slots.length) {
            grow();
        }
        return true;
    }

    /** False when the value was not there. */
    boolean remove(long value) {
        if (value == 0) {
            if (!containsZero) {
                return false;
            }
            containsZero = false;
            size--;
            return true;
        }
        int hole = find(slots, value);
        if (slots[hole] != value) {
            return false;
        }
        slots[hole] = 0;
        size--;
        closeGap(hole);
        return true;
    }

    /**
     * Backward-shift deletion: moves later entries of the probe run into the hole when their home slot
     * does not lie after it, so lookups never stop early at a freed slot and no "deleted" markers pile up.
     */
    private void closeGap(int hole) {
        int mask = slots.length - 1;
        int next = hole;
        while (true) {
            next = (next + 1) & mask;
            long value = slots[next];
            if (value == 0) {
                return;
            }
            int home = home(value, mask);
            boolean homeInGap = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next);
            if (!homeInGap) {
                slots[hole] = value;
                slots[next] = 0;
                hole = next;
            }
        }
    }

    private void grow() {
        long[] bigger = new long[slots.length * 2];
        for (long value : slots) {
            if (value != 0) {
                bigger[find(bigger, value)] = value;
            }
        }
        slots = bigger;
    }

    /** The slot holding {@code value}, or the empty slot where it would go. */
    private static int find(long[] table, long value) {
        int mask = table.length - 1;
        int slot = home(value, mask);
        while (table[slot] != 0 && table[slot] != value) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static int home(long value, int mask) {
        long mixed = value * 0x9E3779B97F4A7C15L;
        return (int) (mixed >>> 32) & mask;
    }
}
