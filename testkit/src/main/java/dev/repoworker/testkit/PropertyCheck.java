package dev.repoworker.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * Runs a QuickTheories property inside an ordinary JUnit test against a real server. A failure reports the
 * smallest counterexample found, its cause and the seed (rerun the same values with {@code -DQT_SEED=<seed>}).
 * Shrinking is bounded in steps and in time, since every step is a request and a hanging server would
 * otherwise make it last for hours.
 */
public final class PropertyCheck {

    private static final int SHRINK_STEPS = 2_000;
    private static final Duration SHRINKING_TIME = Duration.ofSeconds(30);

    /** A property of one value; any exception or failed assertion falsifies it. */
    @FunctionalInterface
    public interface Property<T> {
        void check(T value) throws Exception;
    }

    private PropertyCheck() {}

    /** Checks {@code property} for {@code examples} values drawn from {@code values}. */
    public static <T> void forAll(int examples, Gen<T> values, Property<T> property) {
        AtomicReference<Instant> shrinkingEnds = new AtomicReference<>();
        QuickTheory.qt()
                .withExamples(examples)
                .withShrinkCycles(SHRINK_STEPS)
                .forAll(values)
                .checkAssert(value -> {
                    Instant end = shrinkingEnds.get();
                    if (end != null && Instant.now().isAfter(end)) {
                        return; // out of shrinking time: the smallest counterexample found so far is the one reported
                    }
                    try {
                        property.check(value);
                    } catch (RuntimeException | Error failure) {
                        shrinkingEnds.compareAndSet(null, Instant.now().plus(SHRINKING_TIME));
                        throw failure;
                    } catch (Exception failure) {
                        shrinkingEnds.compareAndSet(null, Instant.now().plus(SHRINKING_TIME));
                        throw new AssertionError(failure.toString(), failure);
                    }
                });
    }
}
