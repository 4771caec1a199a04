package io.invoicesieve.tools.accuracy;

import io.invoicesieve.cli.Cli;
import io.invoicesieve.cli.LocalCommand;
import io.invoicesieve.cli.SettingsCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.tools.generator.GenerateCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code accuracy [--data <dir>] [--report <file.md>] [--work <dir>] [--parallelism N] [generator flags] [settings]}:
 * generates labelled data (or takes {@code <dir>/invoices.jsonl} and {@code truth.csv}), runs the
 * job locally over it, and writes the accuracy report.
 */
@Command(
        name = "accuracy",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Generate labelled data, run the job over it, write the accuracy report.",
            "--data takes existing data instead; the generator's options",
            "(`generate --help`) change the generated data."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class AccuracyCommand extends SettingsCommand implements Callable<Integer> {

    /** Generator defaults of the report: 4 tenants, 600 vendors, 7 months, enough bank signals to measure. */
    static final String[] DEFAULT_DATA = {
        "--invoices", "60000", "--tenants", "4", "--vendors", "150", "--days", "210", "--seed", "2026",
        "--bank-change-rate", "0.1", "--bank-shared-rate", "0.05"
    };

    @Option(names = "--data", paramLabel = "<dir>",
            description = "take <dir>/invoices.jsonl and <dir>/truth.csv instead of generating them")
    Path data;

    @Option(names = "--report", paramLabel = "<file.md>", defaultValue = "target/accuracy/accuracy.md",
            description = "the report (default: ${DEFAULT-VALUE})")
    Path report;

    @Option(names = "--work", paramLabel = "<dir>", defaultValue = "target/accuracy",
            description = "generated data and the job's output (default: ${DEFAULT-VALUE})")
    Path work;

    @Option(names = "--diagnose", arity = "0..1", paramLabel = "true|false",
            description = "also print sample false positives and misses per signal")
    boolean diagnose;

    /** The generator flags given, in order. */
    private final Map<String, String> generator = new LinkedHashMap<>();

    private AccuracyCommand() {}

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "parallelism of the job run (default: ${DEFAULT-VALUE}); 1 keeps the arrival order")
    int parallelism;

    /** The command with the generator's options. */
    public static CommandLine commandLine() {
        AccuracyCommand command = new AccuracyCommand();
        CommandLine cl = new CommandLine(command);
        GenerateCommand.addGeneratorOptions(cl.getCommandSpec(), command.generator);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        PrintWriter out = out();
        Path dataDir;
        String dataSummary;
        if (data != null) {
            if (!generator.isEmpty()) {
                throw usage("--data cannot be combined with generator flags " + generator.keySet());
            }
            dataDir = data;
            dataSummary = "given data in `" + data + "`";
        } else {
            Map<String, String> gen = new LinkedHashMap<>();
            for (int i = 0; i < DEFAULT_DATA.length; i += 2) {
                gen.put(DEFAULT_DATA[i], DEFAULT_DATA[i + 1]);
            }
            gen.putAll(generator);
            GenerateCommand.config(gen, spec.commandLine()); // bad generator values: usage errors now
            dataDir = work.resolve("data");
            List<String> genArgs = new ArrayList<>(List.of("--out", dataDir.toString()));
            gen.forEach((k, v) -> {
                genArgs.add(k);
                genArgs.add(v);
            });
            int rc = GenerateCommand.run(genArgs.toArray(new String[0]));
            if (rc != 0) {
                return rc;
            }
            dataSummary = "`generate " + String.join(" ", genArgs.subList(2, genArgs.size())) + "`";
        }
        dataSummary += "; job parallelism " + parallelism;
        Path invoices = dataDir.resolve("invoices.jsonl");
        Path truth = dataDir.resolve("truth.csv");
        Path run = work.resolve("run");
        LocalCommand.execute(config, invoices, run, parallelism);

        Accuracy accuracy = Accuracy.evaluate(invoices, truth, run.resolve("decisions.jsonl"), run.resolve("dlq.jsonl"));
        // the arguments as given (picocli's original arguments start with the command name itself)
        List<String> given = spec.commandLine().getParseResult().originalArgs();
        if (!given.isEmpty() && given.get(0).equals("accuracy")) {
            given = given.subList(1, given.size());
        }
        String command = "java -jar target/invoice-sieve.jar accuracy " + String.join(" ", given);
        String markdown = accuracy.markdown(command.trim(), dataSummary);
        if (report.getParent() != null) {
            Files.createDirectories(report.getParent());
        }
        Files.writeString(report, markdown);
        out.print(markdown);
        if (diagnose) {
            for (Accuracy.Signal s : Accuracy.Signal.values()) {
                out.println("false " + s + ": " + accuracy.falsePositives(s, 15));
                out.println("missed " + s + ": " + accuracy.misses(s, 15));
            }
            for (String kind : Accuracy.CLEANS) {
                out.println("flagged " + kind + ": " + accuracy.flaggedClean(kind, 15));
            }
            for (String kind : Accuracy.DUPLICATES) {
                out.println("missed " + kind + ": " + accuracy.missedKind(kind, 15));
            }
        }
        out.println("report written to " + report);
        out.flush();
        return Cli.OK;
    }
}
