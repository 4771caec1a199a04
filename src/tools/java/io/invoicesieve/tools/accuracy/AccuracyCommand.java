package io.invoicesieve.tools.accuracy;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.tools.generator.GenerateCommand;
import io.invoicesieve.cli.LocalCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code accuracy [--data <dir>] [--report <file.md>] [--work <dir>] [--parallelism N] [generator flags] [settings]}:
 * generates labelled data (or takes {@code <dir>/invoices.jsonl} and {@code truth.csv}), runs the
 * job locally over it, and writes the accuracy report.
 */
public final class AccuracyCommand {

    /** Generator defaults of the report: 4 tenants, 600 vendors, 7 months, enough bank signals to measure. */
    static final String[] DEFAULT_DATA = {
        "--invoices", "60000", "--tenants", "4", "--vendors", "150", "--days", "210", "--seed", "2026",
        "--bank-change-rate", "0.1", "--bank-shared-rate", "0.05"
    };

    private AccuracyCommand() {}

    public static int run(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        SieveConfig config = SieveConfig.fromArgs(args, flags);
        String data = flags.remove("data");
        Path report = Paths.get(flags.getOrDefault("report", "target/accuracy/accuracy.md"));
        flags.remove("report");
        Path work = Paths.get(flags.getOrDefault("work", "target/accuracy"));
        flags.remove("work");
        boolean diagnose = Boolean.parseBoolean(flags.getOrDefault("diagnose", "false"));
        flags.remove("diagnose");
        int parallelism = Integer.parseInt(flags.getOrDefault("parallelism", "2"));
        flags.remove("parallelism");

        Path dataDir;
        String dataSummary;
        if (data != null) {
            if (!flags.isEmpty()) {
                throw new IllegalArgumentException("--data cannot be combined with generator flags " + flags.keySet());
            }
            dataDir = Paths.get(data);
            dataSummary = "given data in `" + data + "`";
        } else {
            Map<String, String> gen = new LinkedHashMap<>();
            for (int i = 0; i < DEFAULT_DATA.length; i += 2) {
                gen.put(DEFAULT_DATA[i].substring(2), DEFAULT_DATA[i + 1]);
            }
            gen.putAll(flags);
            dataDir = work.resolve("data");
            List<String> genArgs = new ArrayList<>(List.of("--out", dataDir.toString()));
            gen.forEach((k, v) -> {
                genArgs.add("--" + k);
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
        Path out = work.resolve("run");
        LocalCommand.execute(config, invoices, out, parallelism);

        Accuracy accuracy = Accuracy.evaluate(invoices, truth, out.resolve("decisions.jsonl"), out.resolve("dlq.jsonl"));
        String command = "java -jar target/invoice-sieve.jar accuracy " + String.join(" ", args);
        String markdown = accuracy.markdown(command.trim(), dataSummary);
        if (report.getParent() != null) {
            Files.createDirectories(report.getParent());
        }
        Files.writeString(report, markdown);
        System.out.print(markdown);
        if (diagnose) {
            for (Accuracy.Signal s : Accuracy.Signal.values()) {
                System.out.println("false " + s + ": " + accuracy.falsePositives(s, 15));
                System.out.println("missed " + s + ": " + accuracy.misses(s, 15));
            }
            for (String kind : Accuracy.CLEANS) {
                System.out.println("flagged " + kind + ": " + accuracy.flaggedClean(kind, 15));
            }
            for (String kind : Accuracy.DUPLICATES) {
                System.out.println("missed " + kind + ": " + accuracy.missedKind(kind, 15));
            }
        }
        System.out.println("report written to " + report);
        return 0;
    }
}
