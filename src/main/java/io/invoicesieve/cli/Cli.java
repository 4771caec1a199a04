package io.invoicesieve.cli;

import io.invoicesieve.job.JobVersion;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.List;

/**
 * The command line of both jars (picocli): the root command, its error handling and exit codes.
 *
 * <p>Exit codes: {@link #OK} success; {@link #FAILED} the command failed while running (the job
 * failed, a service could not be reached); {@link #USAGE} usage or configuration error (unknown
 * option or setting, missing required option, a value that does not parse or is out of range),
 * reported in one line before anything starts.
 */
public final class Cli {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** The footer of every command's help. */
    public static final String EXIT_CODES =
            "%nExit codes:"
                    + "%n  0  success"
                    + "%n  1  the command failed while running (e.g. the job failed)"
                    + "%n  2  usage or configuration error: unknown option or setting, missing"
                    + "%n     required option, bad value; one line, before anything starts";

    /** The footer of the commands that take settings. */
    public static final String SETTINGS =
            "%nSettings:"
                    + "%n      --<setting> <value>   (or --<setting>=<value>) any sieve.* setting"
                    + "%n                            (`options` lists them) or Flink setting"
                    + "%n                            (state.backend.type, parallelism.default, ...);"
                    + "%n                            wins over --config; checked at start against"
                    + "%n                            SieveOptions and Flink's own options";

    /**
     * A usage error found by a command itself (a bad setting, a path that cannot be used): its message
     * is the whole line, without the pointer to --help.
     */
    public static final class UsageError extends ParameterException {
        private static final long serialVersionUID = 1L;

        public UsageError(CommandLine cl, String message) {
            super(cl, message);
        }
    }

    private Cli() {}

    /** The version of every command: the job version written into each decision. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"invoice-sieve " + JobVersion.get()};
        }
    }

    @Command(
            name = "invoice-sieve",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            synopsisSubcommandLabel = "<command>",
            description = "Catches duplicate and anomalous vendor invoices (Apache Flink job).",
            commandListHeading = "%nCommands:%n",
            footer = EXIT_CODES,
            subcommands = {
                LocalCommand.class,
                RunCommand.class,
                BackfillCommand.class,
                InitCommand.class,
                BootstrapCommand.class,
                InspectCommand.class,
                OptionsCommand.class,
                DispositionCommand.class,
                ControlCommand.class,
                CommandLine.HelpCommand.class
            })
    static final class Root implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            // no command: the usage, as a usage error
            spec.commandLine().usage(spec.commandLine().getErr());
            return USAGE;
        }
    }

    /** What a run ended with: the exit code and, when the command failed, why. */
    public static final class Outcome {
        public final int exitCode;
        public final Throwable failure;
        public final String message;

        Outcome(int exitCode, Throwable failure, String message) {
            this.exitCode = exitCode;
            this.failure = failure;
            this.message = message;
        }
    }

    /** An outcome without a failure. */
    public static Outcome outcome(int exitCode) {
        return new Outcome(exitCode, null, null);
    }

    /**
     * The root command with the job's commands and {@code extra} ones (the tools' commands, added by
     * the runnable jar's entry point only): each a {@code @Command} object or a {@link CommandLine}.
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, List<Object> extra, Outcome[] outcome) {
        CommandLine cl = new CommandLine(new Root());
        for (Object command : extra) {
            cl.addSubcommand(command);
        }
        // after the subcommands are added: picocli applies these to the commands present
        return configure(cl, out, err, outcome);
    }

    /**
     * Output, error stream and error handling of {@code cl} and its subcommands: a usage or
     * configuration error is one line and exit code 2; a failure while running is the stack trace,
     * a last line with the root cause, and exit code 1. {@code outcome[0]} receives what went wrong.
     */
    public static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err, Outcome[] outcome) {
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            String message = usageMessage(ex);
            err.println(message);
            err.flush();
            outcome[0] = new Outcome(USAGE, ex, message);
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String name = qualifiedName(commandLine);
            if (ex instanceof IllegalArgumentException) {
                // a configuration error found by the command before it started anything
                String message = name + ": " + oneLine(ex.getMessage());
                err.println(message);
                err.flush();
                outcome[0] = new Outcome(USAGE, ex, message);
                return USAGE;
            }
            ex.printStackTrace(err);
            String message = name + ": failed: " + oneLine(rootCause(ex));
            err.println(message);
            err.flush();
            outcome[0] = new Outcome(FAILED, ex, message);
            return FAILED;
        });
        return cl;
    }

    /** One line: the command, what is wrong, and (for a typo) the nearest command or option. */
    static String usageMessage(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String name = qualifiedName(cl);
        String what = oneLine(ex.getMessage());
        if (ex instanceof UsageError) {
            return name + ": " + what;
        }
        if (ex instanceof CommandLine.MissingParameterException) {
            // an unknown option first: it is often the misspelled required one
            java.util.Optional<String> unknown = unknownOption(cl, cl.getUnmatchedArguments());
            if (unknown.isPresent()) {
                what = unknown.get();
            }
        } else if (ex instanceof UnmatchedArgumentException) {
            UnmatchedArgumentException u = (UnmatchedArgumentException) ex;
            List<String> unmatched = u.getUnmatched();
            String arg = unmatched.isEmpty() ? "" : unmatched.get(0);
            boolean command = !cl.getSubcommands().isEmpty() && !arg.startsWith("-");
            what = (command ? "Unknown command '" : "Unknown option '") + arg + "'";
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                what += " (did you mean '" + suggestions.get(0) + "'?)";
            }
        }
        return name + ": " + what + " (see '" + name + " --help')";
    }

    /**
     * "Unknown option '--x' (did you mean '--y'?)" for the first unmatched argument that looks like an
     * option and is not a setting (settings have a dot: sieve.*, Flink keys).
     */
    public static java.util.Optional<String> unknownOption(CommandLine cl, List<String> unmatched) {
        for (String arg : unmatched) {
            if (!arg.startsWith("--") || arg.length() == 2) {
                continue;
            }
            String key = arg.substring(2);
            int eq = key.indexOf('=');
            if (eq > 0) {
                key = key.substring(0, eq);
            }
            if (!key.contains(".")) {
                List<String> options = new java.util.ArrayList<>();
                for (CommandLine.Model.OptionSpec option : cl.getCommandSpec().options()) {
                    for (String n : option.names()) {
                        if (n.startsWith("--")) {
                            options.add(n);
                        }
                    }
                }
                return java.util.Optional.of("Unknown option '--" + key + "'"
                        + io.invoicesieve.config.Suggest.didYouMean("--" + key, options));
            }
        }
        return java.util.Optional.empty();
    }

    static String qualifiedName(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName();
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
    }

    private static String rootCause(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /**
     * True when Flink has installed a context environment for this thread or JVM: the job would be
     * submitted to an existing cluster (client, JobManager in application mode, REST jar run)
     * rather than run in a MiniCluster of this JVM. Creating a local environment starts nothing.
     */
    public static boolean insideFlink() {
        try {
            return !(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment()
                    instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
