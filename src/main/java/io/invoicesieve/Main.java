package io.invoicesieve;

import io.invoicesieve.cli.Cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of both jars: the job's commands (picocli, {@link Cli}); the runnable jar's entry point
 * adds the tools' commands. No logger here: local mode picks its logging configuration before log4j
 * starts.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        main(args, new Object[0]);
    }

    /**
     * The entry point of the runnable jar adds the tools' commands (generate, accuracy): each a picocli
     * {@code @Command} object or {@code CommandLine}.
     */
    public static void main(String[] args, Object... extraCommands) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-invoice-sieve.properties");
        }
        Cli.Outcome outcome = execute(args, stdout(), stderr(), extraCommands);
        if (Cli.insideFlink()) {
            // main() runs inside a Flink client or JobManager (`flink run`, application mode, REST
            // jar run): System.exit would take that JVM down with it. Return, or fail the program.
            if (outcome.exitCode != 0) {
                throw new IllegalStateException(
                        "invoice-sieve " + String.join(" ", args) + " failed (exit code " + outcome.exitCode + ")"
                                + (outcome.message == null ? "" : ": " + outcome.message),
                        outcome.failure);
            }
            return;
        }
        System.exit(outcome.exitCode);
    }

    /** Runs one command line; returns its exit code (0 success, 1 failed while running, 2 usage). */
    public static int run(String[] args, Object... extraCommands) {
        return execute(args, stdout(), stderr(), extraCommands).exitCode;
    }

    /** Runs one command line with the given output and error streams. */
    public static Cli.Outcome execute(String[] args, PrintWriter out, PrintWriter err, Object... extraCommands) {
        Cli.Outcome[] outcome = new Cli.Outcome[1];
        int code = Cli.commandLine(out, err, Arrays.asList(extraCommands), outcome).execute(args);
        out.flush();
        err.flush();
        if (outcome[0] != null && outcome[0].exitCode == code) {
            return outcome[0];
        }
        return Cli.outcome(code);
    }

    /** The names of the commands this entry point knows (the tools' ones only when given). */
    public static List<String> commands(Object... extraCommands) {
        return List.copyOf(Cli.commandLine(stdout(), stderr(), Arrays.asList(extraCommands), new Cli.Outcome[1])
                .getSubcommands().keySet());
    }

    private static PrintWriter stdout() {
        return new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    }

    private static PrintWriter stderr() {
        return new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    }
}
