package dev.repoworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpiryHeapTest {

    @Test
    void entries_come_out_soonest_expiry_first_whatever_the_order_they_went_in() {
        Random random = new Random(13);
        ExpiryHeap heap = new ExpiryHeap();
        PriorityQueue<long[]> expected = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i < 50_000; i++) {
            if (random.nextInt(3) == 0 && heap.size() > 0) {
                long[] soonest = expected.poll();
                assertThat(heap.soonestExpiry()).isEqualTo(soonest[0]);
                long value = heap.poll();
                // equal expiries may come out in either order: check the expiry the value went in with
                assertThat(value % 1_000_000).isEqualTo(soonest[0]);
            } else {
                long expiry = random.nextInt(1_000);
                heap.add(expiry, i * 1_000_000L + expiry);
                expected.add(new long[] {expiry});
            }
            assertThat(heap.size()).isEqualTo(expected.size());
        }
    }
}
