package io.invoicesieve;

import java.util.Arrays;

/**
 * Entry point of both jars. No logger here: local mode picks its logging configuration before
 * log4j starts.
 */
public final class Main {

    private Main() {}

    /** A command of the CLI: its arguments after the command name in, its exit code out. */
    @FunctionalInterface
    public interface Command {
        int run(String[] args) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        main(args, java.util.Map.of());
    }

    /** The entry point of the runnable jar adds the tools' commands (generate, accuracy). */
    public static void main(String[] args, java.util.Map<String, Command> tools) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "classpath:log4j2-invoice-sieve.properties");
        }
        int code = run(args, tools);
        if (insideFlink()) {
            // main() runs inside a Flink client or JobManager (`flink run`, application mode, REST
            // jar run): System.exit would take that JVM down with it. Return, or fail the program.
            if (code != 0) {
                throw new IllegalStateException("invoice-sieve " + String.join(" ", args) + " failed (exit code " + code + ")");
            }
            return;
        }
        System.exit(code);
    }

    /**
     * True when Flink has installed a context environment for this thread or JVM: the job would be
     * submitted to an existing cluster (client, JobManager in application mode, REST jar run)
     * rather than run in a MiniCluster of this JVM. Creating a local environment starts nothing.
     */
    static boolean insideFlink() {
        try {
            return !(org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment()
                    instanceof org.apache.flink.streaming.api.environment.LocalStreamEnvironment);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    public static int run(String[] args) throws Exception {
        return run(args, java.util.Map.of());
    }

    public static int run(String[] args, java.util.Map<String, Command> tools) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help")) {
            System.out.println(usage());
            return args.length == 0 ? 2 : 0;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "local":
                    return io.invoicesieve.cli.LocalCommand.run(rest);
                case "run":
                    return io.invoicesieve.cli.RunCommand.run(rest);
                case "init":
                    return io.invoicesieve.cli.InitCommand.run(rest);
                case "bootstrap":
                    return io.invoicesieve.cli.BootstrapCommand.run(rest);
                case "inspect":
                    return io.invoicesieve.cli.InspectCommand.run(rest);
                case "options":
                    System.out.print(io.invoicesieve.config.OptionsTable.markdown());
                    return 0;
                default:
                    if (tools.containsKey(args[0])) {
                        return tools.get(args[0]).run(rest);
                    }
                    System.err.println("Unknown command '" + args[0] + "'\n\n" + usage());
                    return 2;
            }
        } catch (IllegalArgumentException e) {
            System.err.println("invoice-sieve: " + e.getMessage());
            return 2;
        }
    }

    static String usage() {
        return String.join(
                "\n",
                "usage: java -jar invoice-sieve.jar <command> [options]",
                "",
                "commands:",
                "  local     --input <file.jsonl|dir> --output <dir> [--parallelism N] [--config f.properties] [--<setting> <value>]",
                "            run the job in an embedded MiniCluster: decisions.jsonl and dlq.jsonl in <dir>",
                "  generate  --out <dir> [--invoices N] [--tenants N] [--vendors N] [--days N] [--seed N]",
                "            write labelled synthetic invoices (invoices.jsonl, truth.csv)",
                "  accuracy  [--data <dir>] [--report <file.md>] [generator flags]",
                "            generate labelled data, run the job over it, write the accuracy report",
                "  bootstrap --input <export.jsonl|dir> --output <savepoint-dir> [--state-backend hashmap|rocksdb]",
                "            [--parallelism N] [--config f.properties] [--<setting> <value>]",
                "            warm start: write a savepoint with the state the job would have built from historical",
                "            invoices (malformed lines are counted and skipped); start the job from it with",
                "            --execution.savepoint.path <savepoint-dir>. Use the job's sieve.* settings and",
                "            pipeline.max-parallelism (default 128).",
                "  inspect   --savepoint <dir> [--state-backend hashmap|rocksdb]",
                "            print per-state counts and approximate sizes of a savepoint's keyed state",
                "  run       [--config f.properties] [--<setting> <value>]",
                "            the production job: Kafka in; Kafka, PostgreSQL and OpenSearch out (CONNECTORS.md)",
                "  init      [--config f.properties] [--<setting> <value>]",
                "            create Kafka topics, apply PostgreSQL schema versions, put the OpenSearch template; idempotent",
                "  options   print the configuration table (markdown)",
                "");
    }
}
