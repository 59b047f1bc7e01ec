package dev.repoworker.worker.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongHashSetTest {

    @Test
    void it_agrees_with_a_hash_set_over_many_random_adds_and_removes() {
        Random random = new Random(13);
        LongHashSet set = new LongHashSet();
        Set<Long> expected = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            // a small range makes long probe runs, collisions and removals in the middle of runs common
            long value = random.nextInt(5_000) - 100L;
            if (random.nextInt(3) == 0) {
                assertThat(set.remove(value)).isEqualTo(expected.remove(value));
            } else {
                assertThat(set.add(value)).isEqualTo(expected.add(value));
            }
            assertThat(set.size()).isEqualTo(expected.size());
        }
        for (long value = -200; value < 5_100; value++) {
            assertThat(set.contains(value)).as("%d", value).isEqualTo(expected.contains(value));
        }
    }

    @Test
    void zero_is_a_value_like_any_other() {
        LongHashSet set = new LongHashSet();
        assertThat(set.contains(0)).isFalse();
        assertThat(set.add(0)).isTrue();
        assertThat(set.add(0)).isFalse();
        assertThat(set.contains(0)).isTrue();
        assertThat(set.size()).isEqualTo(1);
        assertThat(set.remove(0)).isTrue();
        assertThat(set.contains(0)).isFalse();
        assertThat(set.size()).isZero();
    }
}
