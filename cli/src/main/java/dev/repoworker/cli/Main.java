package dev.repoworker.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code repo-worker} launcher: one executable, one sub-command per way of running. */
@Command(name = "repo-worker",
        mixinStandardHelpOptions = true,
        version = "repo-worker 0.1.0",
        description = "Processes Git repositories of Markdown content as asynchronous jobs.",
        subcommands = {StandaloneCommand.class, ApiCommand.class, WorkerCommand.class, JobCommand.class,
                SubmitCommand.class, StatusCommand.class, ProcessCommand.class, SearchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int status = run(args);
        Logs.flush();
        System.exit(status);
    }

    static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
