package dev.repoworker.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock a test moves by hand, for code that takes a {@link Clock}: stopped at an instant ({@link #at}), or going
 * with the system clock ({@link #fromNow}); either moves by {@link #advance} and {@link #set}. Safe to read from the
 * threads of the code under test.
 */
public final class ManualClock extends Clock {

    private final Clock base;
    private volatile Duration offset = Duration.ZERO;

    private ManualClock(Clock base) {
        this.base = base;
    }

    /** Stands at {@code start} until moved. */
    public static ManualClock at(Instant start) {
        return new ManualClock(Clock.fixed(start, ZoneOffset.UTC));
    }

    /** Goes with the system clock, plus whatever it has been moved by. */
    public static ManualClock fromNow() {
        return new ManualClock(Clock.systemUTC());
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    public void set(Instant now) {
        offset = Duration.between(base.instant(), now);
    }

    @Override
    public Instant instant() {
        return base.instant().plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
