package io.invoicesieve.tools.generator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code generate --out <dir> [options]}: writes {@code <dir>/invoices.jsonl} and {@code <dir>/truth.csv}
 * and prints a one-line summary. Exit code 0 on success, 2 on bad usage, 1 on an I/O failure.
 */
public final class GenerateCommand {

    public static final int OK = 0;
    public static final int IO_ERROR = 1;
    public static final int USAGE = 2;

    private interface Setter {
        void apply(GeneratorConfig.Builder b, String value);
    }

    private static final Map<String, Setter> FLAGS = new LinkedHashMap<>();
    private static final Map<String, String> HELP = new LinkedHashMap<>();

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

    private GenerateCommand() {
    }

    private static void flag(String name, String arg, String help, Setter setter) {
        FLAGS.put(name, setter);
        HELP.put(name + " " + arg, help);
    }

    private static void rate(String name, String help, BiConsumer<GeneratorConfig.Builder, Double> setter) {
        flag(name, "X", help, (b, v) -> setter.accept(b, Double.parseDouble(v)));
    }

    private static int integer(String v) {
        return Integer.parseInt(v.replace("_", ""));
    }

    /** Runs with stdout/stderr; {@code args} may start with the word "generate". */
    public static int run(String[] args) {
        return run(args, System.out, System.err);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        GeneratorConfig.Builder builder = GeneratorConfig.builder();
        Path dir = null;
        int i = args.length > 0 && "generate".equals(args[0]) ? 1 : 0;
        while (i < args.length) {
            String arg = args[i++];
            if (arg.equals("--help") || arg.equals("-h")) {
                out.println(usage());
                return OK;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (!name.equals("--out") && !FLAGS.containsKey(name)) {
                err.println("generate: unknown option '" + name + "'\n" + usage());
                return USAGE;
            }
            if (value == null) {
                if (i >= args.length) {
                    err.println("generate: option " + name + " needs a value\n" + usage());
                    return USAGE;
                }
                value = args[i++];
            }
            if (name.equals("--out")) {
                if (value.isBlank()) {
                    err.println("generate: option --out needs a directory");
                    return USAGE;
                }
                dir = Path.of(value);
                continue;
            }
            try {
                FLAGS.get(name).apply(builder, value);
                // Validate now so the error names the flag that made the configuration invalid.
                builder.build();
            } catch (NumberFormatException | DateTimeParseException e) {
                err.println("generate: bad value for " + name + ": '" + value + "'");
                return USAGE;
            } catch (IllegalArgumentException e) {
                err.println("generate: bad value for " + name + ": " + e.getMessage());
                return USAGE;
            }
        }
        if (dir == null) {
            err.println("generate: missing required option --out <dir>\n" + usage());
            return USAGE;
        }
        GeneratorConfig cfg;
        try {
            cfg = builder.build();
        } catch (IllegalArgumentException e) {
            err.println("generate: " + e.getMessage());
            return USAGE;
        }
        Path jsonl = dir.resolve("invoices.jsonl");
        Path truth = dir.resolve("truth.csv");
        long t0 = System.nanoTime();
        try {
            InvoiceGenerator.Stats stats = new InvoiceGenerator().generate(cfg, jsonl, truth);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            out.println("generated " + jsonl + " and " + truth + " in " + ms + " ms (seed " + cfg.seed() + "): "
                    + stats.summary());
            return OK;
        } catch (IOException e) {
            err.println("generate: cannot write to " + dir + ": " + e);
            return IO_ERROR;
        }
    }

    static String usage() {
        StringBuilder sb = new StringBuilder("usage: generate --out <dir> [options]\n");
        sb.append(String.format("  %-30s %s%n", "--out DIR", "writes DIR/invoices.jsonl and DIR/truth.csv"));
        for (Map.Entry<String, String> e : HELP.entrySet()) {
            sb.append(String.format("  %-30s %s%n", e.getKey(), e.getValue()));
        }
        sb.append("  (each option also accepts --name=value)");
        return sb.toString();
    }
}
