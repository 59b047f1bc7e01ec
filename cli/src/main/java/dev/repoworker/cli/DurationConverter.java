package dev.repoworker.cli;

import dev.repoworker.protocol.Env;
import java.time.Duration;
import picocli.CommandLine;

/** Durations on the command line as in the environment: {@code 30s}, {@code 15m}, {@code 2h} or ISO-8601 {@code PT30M}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration parsed = Env.parseDuration(value);
        if (parsed == null || parsed.isNegative()) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a duration such as 30s, 15m or PT15M");
        }
        return parsed;
    }
}
