package dev.repoworker.cli;

import dev.repoworker.protocol.Env.InvalidConfigException;
import dev.repoworker.protocol.StartupException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code repo-worker} launcher: one executable, one sub-command per way of running. */
@Command(
        name = "repo-worker",
        mixinStandardHelpOptions = true,
        version = "repo-worker 0.1.0",
        description = "Processes Git repositories of Markdown content as asynchronous jobs.",
        subcommands = {
            StandaloneCommand.class,
            ApiCommand.class,
            WorkerCommand.class,
            JobCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            ProcessCommand.class,
            SearchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    static final List<String> LOG_FORMATS = List.of("text", "json");
    static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int status = run(System.getenv(), args);
        Logs.flush();
        System.exit(status);
    }

    static int run(String... args) {
        return run(System.getenv(), args);
    }

    static int run(Map<String, String> env, String... args) {
        Optional<String> badLogging = loggingProblem(env);
        if (badLogging.isPresent()) {
            System.err.println("repo-worker: " + badLogging.get());
            return 2;
        }
        boolean debug =
                "debug".equalsIgnoreCase(env.get("LOG_LEVEL")) || "trace".equalsIgnoreCase(env.get("LOG_LEVEL"));
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExpandAtFiles(
                false); // "--data @file.json" is the option's own syntax, not picocli's argument file
        commandLine.setExecutionExceptionHandler((e, command, parsed) -> explain(e, command, debug, System.err));
        return commandLine.execute(args);
    }

    /** No sub-command: a usage error (the message and the usage on stderr, exit 2). */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** LOG_FORMAT and LOG_LEVEL are read by Logback, which ignores what it does not know: checked here first. */
    static Optional<String> loggingProblem(Map<String, String> env) {
        String format = env.get("LOG_FORMAT");
        if (format != null && !format.isBlank() && !LOG_FORMATS.contains(format.trim())) {
            return Optional.of(
                    "LOG_FORMAT must be one of " + String.join(", ", LOG_FORMATS) + ", got '" + format + "'");
        }
        String level = env.get("LOG_LEVEL");
        if (level != null
                && !level.isBlank()
                && !LOG_LEVELS.contains(level.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("LOG_LEVEL must be one of " + String.join(", ", LOG_LEVELS) + ", got '" + level + "'");
        }
        return Optional.empty();
    }

    /**
     * What a command that threw prints: one line, and exit 2 for what the user can fix (configuration, a busy
     * port, a database that cannot be reached); anything else is a bug, one line too unless LOG_LEVEL=debug.
     */
    static int explain(Exception e, CommandLine command, boolean debug, PrintStream err) {
        String prefix = command.getCommandSpec().qualifiedName();
        if (e instanceof StartupException.PortInUse busy) {
            err.println(prefix + ": " + busy.getMessage() + " (set PORT)");
            return 2;
        }
        if (e instanceof StartupException || e instanceof InvalidConfigException) {
            err.println(prefix + ": " + e.getMessage());
            return 2;
        }
        err.println(prefix + ": unexpected error: " + e + (debug ? "" : " (LOG_LEVEL=debug prints where)"));
        if (debug) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
