package io.invoicesieve.tools.learn;

import io.invoicesieve.detect.Money;
import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code labels --in <generator dir> --out dispositions.jsonl}: simulated analysts. Reads the
 * generator's invoices.jsonl and truth.csv (never changes the generator), finds the job's candidate
 * pairs ({@link OfflinePairs}) and writes a disposition (contract/disposition.schema.json) for each
 * pair an analyst would see: every pair the rules flag (reviewed with --review-rate), plus a sample of
 * the unflagged candidate pairs (--audit-rate: a recovery audit). Each verdict is the ground truth
 * (a pair is a duplicate when both invoices resubmit the same original), flipped with --noise.
 */
@Command(name = "labels", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Simulate analysts' dispositions on the candidate pairs of a generated data set.")
public final class LabelsCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "the generate command's output folder")
    Path in;

    @Option(names = "--out", required = true, description = "dispositions, JSON lines")
    Path out;

    @Option(names = "--review-rate", defaultValue = "1.0", description = "share of flagged pairs adjudicated")
    double reviewRate;

    @Option(names = "--audit-rate", defaultValue = "0.0", description = "share of unflagged candidate pairs audited")
    double auditRate;

    @Option(names = "--noise", defaultValue = "0.05", description = "share of verdicts that are wrong")
    double noise;

    @Option(names = "--seed", defaultValue = "7")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return new CommandLine(new LabelsCommand());
    }

    @Override
    public Integer call() throws Exception {
        List<Invoice> invoices = OfflinePairs.read(in.resolve("invoices.jsonl"));
        Map<String, String> originalOf = new HashMap<>();
        try (BufferedReader r = Files.newBufferedReader(in.resolve("truth.csv"), StandardCharsets.UTF_8)) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",", -1);
                if (f.length > 5 && !f[1].isEmpty() && f[4].startsWith("DUP_") && !f[5].isEmpty()) {
                    originalOf.put(f[2] + '\u001f' + f[1], f[5]);
                }
            }
        }
        List<OfflinePairs.Pair> pairs = OfflinePairs.pairs(invoices, OfflinePairs.DATE_TOLERANCE_DAYS,
                OfflinePairs.MAX_COMPARISONS, OfflinePairs.LOOKBACK_MILLIS);
        Map<String, Invoice> byId = new HashMap<>();
        for (Invoice i : invoices) {
            byId.putIfAbsent(i.tenantId + '\u001f' + i.invoiceId, i);
        }
        Random random = new Random(seed);
        ObjectMapper json = new ObjectMapper();
        int written = 0;
        int duplicates = 0;
        int flagged = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (OfflinePairs.Pair p : pairs) {
                boolean isFlagged = p.ruleKind != null;
                flagged += isFlagged ? 1 : 0;
                if (random.nextDouble() >= (isFlagged ? reviewRate : auditRate)) {
                    continue;
                }
                boolean truth = root(originalOf, p.tenantId, p.probe.invoiceId)
                        .equals(root(originalOf, p.tenantId, p.earlier.invoiceId));
                boolean verdict = random.nextDouble() < noise ? !truth : truth;
                ObjectNode d = json.createObjectNode();
                d.put("disposition_id", "sim-" + p.tenantId + "-" + p.probe.invoiceId + "-" + p.earlier.invoiceId);
                d.put("tenant_id", p.tenantId);
                d.put("invoice_id", p.probe.invoiceId);
                d.put("vendor_id", p.vendorId);
                d.put("verdict", verdict ? "CONFIRMED_DUPLICATE" : "NOT_DUPLICATE");
                ObjectNode pair = d.putObject("pair");
                pair.set("invoice", facts(json, byId.get(p.tenantId + '\u001f' + p.probe.invoiceId)));
                pair.set("matched", facts(json, byId.get(p.tenantId + '\u001f' + p.earlier.invoiceId)));
                d.put("analyst", isFlagged ? "simulated-reviewer" : "simulated-audit");
                d.put("decided_at", Instant.ofEpochMilli(p.probe.eventTime).plusSeconds(86_400).toString());
                w.write(d.toString());
                w.write('\n');
                written++;
                duplicates += verdict ? 1 : 0;
            }
        }
        spec.commandLine().getOut().printf("%d candidate pairs (%d flagged by the rules); %d dispositions written to %s"
                + " (%d CONFIRMED_DUPLICATE), noise %.2f, audit rate %.2f%n",
                pairs.size(), flagged, written, out, duplicates, noise, auditRate);
        return 0;
    }

    private static String root(Map<String, String> originalOf, String tenant, String id) {
        String cur = id;
        for (int i = 0; i < 10; i++) {
            String o = originalOf.get(tenant + '\u001f' + cur);
            if (o == null) {
                return cur;
            }
            cur = o;
        }
        return cur;
    }

    private static ObjectNode facts(ObjectMapper json, Invoice i) {
        ObjectNode n = json.createObjectNode();
        n.put("invoice_id", i.invoiceId);
        n.put("invoice_number", i.invoiceNumber);
        n.put("invoice_date", i.invoiceDate.toString());
        n.put("amount", Money.plain(i.amount));
        n.put("currency", i.currency);
        n.put("event_time", i.eventTime.toString());
        return n;
    }
}
