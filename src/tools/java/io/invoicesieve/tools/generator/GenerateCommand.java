package io.invoicesieve.tools.generator;

import io.invoicesieve.cli.Cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/**
 * {@code generate --out <dir> [options]}: writes {@code <dir>/invoices.jsonl} and {@code <dir>/truth.csv}
 * and prints a one-line summary. Exit code 0 on success, 2 on bad usage, 1 on an I/O failure.
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = "Write labelled synthetic invoices: <dir>/invoices.jsonl, <dir>/truth.csv.",
        footer = {"%nEach option also accepts --name=value.", Cli.EXIT_CODES})
public final class GenerateCommand implements Callable<Integer> {

    public static final int OK = Cli.OK;
    public static final int IO_ERROR = Cli.FAILED;
    public static final int USAGE = Cli.USAGE;

    private interface Setter {
        void apply(GeneratorConfig.Builder b, String value);
    }

    /** A generator flag: its value label, help and how it sets the builder. */
    private static final class Flag {
        final String arg;
        final String help;
        final Setter setter;

        Flag(String arg, String help, Setter setter) {
            this.arg = arg;
            this.help = help;
            this.setter = setter;
        }
    }

    private static final Map<String, Flag> FLAGS = new LinkedHashMap<>();

    static {
        flag("--invoices", "N", "distinct valid invoices (default 20000)", (b, v) -> b.invoices(integer(v)));
        flag("--tenants", "N", "tenants (default 3)", (b, v) -> b.tenants(integer(v)));
        flag("--vendors", "N", "vendors per tenant (default 150)", (b, v) -> b.vendorsPerTenant(integer(v)));
        flag("--days", "N", "days of invoice dates (default 200)", (b, v) -> b.days(integer(v)));
        flag("--start", "YYYY-MM-DD", "first invoice date (default 2026-01-01)", (b, v) -> b.start(LocalDate.parse(v)));
        flag("--seed", "N", "random seed (default 42)", (b, v) -> b.seed(Long.parseLong(v)));
        flag("--out-of-order-seconds", "N", "max event-time disorder (default 120)",
                (b, v) -> b.outOfOrderSeconds(integer(v)));
        rate("--late-rate", "share delivered hours late (default 0.003)", GeneratorConfig.Builder::lateRate);
        rate("--malformed-rate", "malformed lines per invoice (default 0.004)", GeneratorConfig.Builder::malformedRate);
        rate("--replay-rate", "re-delivered lines per invoice (default 0.01)", GeneratorConfig.Builder::replayRate);
        rate("--dup-exact-rate", "DUP_EXACT per invoice (default 0.01)", GeneratorConfig.Builder::dupExactRate);
        rate("--dup-rekeyed-rate", "DUP_REKEYED per invoice (default 0.01)", GeneratorConfig.Builder::dupRekeyedRate);
        rate("--dup-amount-typo-rate", "DUP_AMOUNT_TYPO per invoice (default 0.005)",
                GeneratorConfig.Builder::dupAmountTypoRate);
        rate("--dup-new-number-rate", "DUP_NEW_NUMBER per invoice (default 0.005)",
                GeneratorConfig.Builder::dupNewNumberRate);
        rate("--anomaly-rate", "AMOUNT_ANOMALY per invoice (default 0.006)", GeneratorConfig.Builder::amountAnomalyRate);
        rate("--mild-variation-rate", "MILD_VARIATION per invoice (default 0.01)",
                GeneratorConfig.Builder::mildVariationRate);
        rate("--credit-note-rate", "CREDIT_NOTE per invoice (default 0.01)", GeneratorConfig.Builder::creditNoteRate);
        rate("--bank-change-rate", "bank changes per vendor (default 0.005)", GeneratorConfig.Builder::bankChangeRate);
        rate("--bank-change-high-share", "share of bank changes with a high amount (default 0.3)",
                GeneratorConfig.Builder::bankChangeHighAmountShare);
        rate("--bank-shared-rate", "shared accounts per vendor (default 0.003)", GeneratorConfig.Builder::bankSharedRate);
        rate("--low-confidence-share", "share of OCR invoices below 0.6 confidence (default 0.04)",
                GeneratorConfig.Builder::lowConfidenceShare);
        rate("--extra-field-rate", "share of lines with unknown fields (default 0.05)",
                GeneratorConfig.Builder::extraFieldRate);
        rate("--twin-vendor-rate", "vendors created twice, sharing the account (default 0.02)",
                GeneratorConfig.Builder::twinVendorRate);
        rate("--dup-cross-vendor-rate", "DUP_CROSS_VENDOR per invoice (default 0.004)",
                GeneratorConfig.Builder::dupCrossVendorRate);
        rate("--high-volume-vendor-rate", "high-volume suppliers added per vendor (default 0.01)",
                GeneratorConfig.Builder::highVolumeVendorRate);
        flag("--high-volume-price-points", "N", "price points of a high-volume supplier (default 3)",
                (b, v) -> b.highVolumePricePoints(integer(v)));
        flag("--high-volume-per-day", "X", "mean invoices a day of a high-volume supplier (default 5)",
                (b, v) -> b.highVolumePerDay(Double.parseDouble(v)));
        rate("--reversal-rate", "full reversals followed by a re-entry, per invoice (default 0.003)",
                GeneratorConfig.Builder::reversalRate);
        rate("--third-entry-share", "share of re-entries entered a third time (default 0.3)",
                GeneratorConfig.Builder::thirdEntryShare);
        rate("--partial-credit-dup-rate", "DUP_AFTER_PARTIAL_CREDIT per invoice (default 0.001)",
                GeneratorConfig.Builder::partialCreditDupRate);
        rate("--dup-credit-note-rate", "DUP_CREDIT_NOTE per invoice (default 0.001)",
                GeneratorConfig.Builder::dupCreditNoteRate);
        rate("--amount-number-rate", "share of amounts written as JSON numbers (default 0.1)",
                GeneratorConfig.Builder::amountAsNumberRate);
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "<dir>",
            description = "writes <dir>/invoices.jsonl and <dir>/truth.csv")
    Path dir;

    /** The generator flags given, in order. */
    private final Map<String, String> flags = new LinkedHashMap<>();

    private GenerateCommand() {
    }

    /** The command with its generator options (declared in one table, added to the picocli model). */
    public static CommandLine commandLine() {
        GenerateCommand command = new GenerateCommand();
        CommandLine cl = new CommandLine(command);
        addGeneratorOptions(cl.getCommandSpec(), command.flags);
        return cl;
    }

    /** Adds the generator's flags to {@code spec}; the values given land in {@code into}, in order. */
    public static void addGeneratorOptions(CommandSpec spec, Map<String, String> into) {
        FLAGS.forEach((name, flag) -> spec.addOption(OptionSpec.builder(name)
                .paramLabel(flag.arg)
                .description(flag.help)
                .type(String.class)
                .setter(new CommandLine.Model.ISetter() {
                    @Override
                    public <T> T set(T value) {
                        if (value != null) {
                            into.put(name, (String) value);
                        }
                        return null;
                    }
                })
                .build()));
    }

    /**
     * Applies the generator flags in order, validating after each so that the error names the flag
     * that made the configuration invalid.
     */
    public static GeneratorConfig config(Map<String, String> flags, CommandLine cl) {
        GeneratorConfig.Builder builder = GeneratorConfig.builder();
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            String name = flag.getKey();
            String value = flag.getValue();
            try {
                FLAGS.get(name).setter.apply(builder, value);
                builder.build();
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new ParameterException(cl, "bad value for " + name + ": '" + value + "'");
            } catch (IllegalArgumentException e) {
                throw new ParameterException(cl, "bad value for " + name + ": " + e.getMessage());
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage());
        }
    }

    private static void flag(String name, String arg, String help, Setter setter) {
        FLAGS.put(name, new Flag(arg, help, setter));
    }

    private static void rate(String name, String help, BiConsumer<GeneratorConfig.Builder, Double> setter) {
        flag(name, "X", help, (b, v) -> setter.accept(b, Double.parseDouble(v)));
    }

    private static int integer(String v) {
        return Integer.parseInt(v.replace("_", ""));
    }

    @Override
    public Integer call() {
        GeneratorConfig cfg = config(flags, spec.commandLine());
        PrintWriter out = spec.commandLine().getOut();
        Path jsonl = dir.resolve("invoices.jsonl");
        Path truth = dir.resolve("truth.csv");
        long t0 = System.nanoTime();
        try {
            InvoiceGenerator.Stats stats = new InvoiceGenerator().generate(cfg, jsonl, truth);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            out.println("generated " + jsonl + " and " + truth + " in " + ms + " ms (seed " + cfg.seed() + "): "
                    + stats.summary());
            out.flush();
            return OK;
        } catch (IOException e) {
            spec.commandLine().getErr().println("generate: cannot write to " + dir + ": " + e);
            spec.commandLine().getErr().flush();
            return IO_ERROR;
        }
    }

    /** Runs with stdout/stderr; {@code args} may start with the word "generate". */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] rest = args.length > 0 && "generate".equals(args[0]) ? Arrays.copyOfRange(args, 1, args.length) : args;
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        int code = Cli.configure(commandLine(), o, e, new Cli.Outcome[1]).execute(rest);
        o.flush();
        e.flush();
        return code;
    }
}
