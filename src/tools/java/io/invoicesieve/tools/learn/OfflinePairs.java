package io.invoicesieve.tools.learn;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.MatchKind;
import io.invoicesieve.learn.PairFeatures;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.state.SeenInvoice;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job's candidate pairs, offline: invoices replayed per (tenant, vendor) in file order (replays
 * dropped), each compared with the earlier invoices under its two blocking keys (number, amount)
 * within the lookback and the comparison cap, exactly as the scorer does, with the same
 * {@link PairFeatures}. The index here is a plain map (no bucket cap, no watermark-based trimming).
 */
public final class OfflinePairs {

    /** One candidate pair: the later invoice (probe), the earlier one, its features, the rules' kind. */
    public static final class Pair {
        public final String tenantId;
        public final String vendorId;
        public final SeenInvoice probe;
        public final SeenInvoice earlier;
        public final double[] features;
        public final MatchKind ruleKind;

        Pair(String tenantId, String vendorId, SeenInvoice probe, SeenInvoice earlier, double[] features, MatchKind kind) {
            this.tenantId = tenantId;
            this.vendorId = vendorId;
            this.probe = probe;
            this.earlier = earlier;
            this.features = features;
            this.ruleKind = kind;
        }

        /** The rules' own score of the pair (0 when no rule matches). */
        public double ruleScore() {
            return ruleKind == null ? 0 : ruleKind.score;
        }
    }

    public static final long LOOKBACK_MILLIS = 120L * 24 * 3600 * 1000;
    public static final int MAX_COMPARISONS = 64;
    public static final int DATE_TOLERANCE_DAYS = 7;

    private OfflinePairs() {}

    public static List<Invoice> read(Path jsonl) throws IOException {
        InvoiceParser parser = new InvoiceParser();
        List<Invoice> invoices = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                InboundRecord rec = parser.parseRecord(line, jsonl + ":" + n);
                if (rec.invoice != null) {
                    invoices.add(rec.invoice);
                }
            }
        }
        return invoices;
    }

    public static List<Pair> pairs(List<Invoice> invoices, int dateToleranceDays, int maxComparisons, long lookbackMillis) {
        Map<String, Map<String, List<SeenInvoice>>> indexByVendor = new HashMap<>();
        Set<String> seen = new HashSet<>();
        List<Pair> pairs = new ArrayList<>();
        for (Invoice inv : invoices) {
            String vendorKey = inv.tenantId + '\u001f' + inv.vendorId;
            if (!seen.add(vendorKey + '\u001f' + inv.invoiceId)) {
                continue; // a replay
            }
            SeenInvoice probe = DuplicateDetector.probe(inv.invoiceId, inv.invoiceNumber, Money.toMilli(inv.amount),
                    inv.currency, (int) inv.invoiceDate.toEpochDay(), inv.eventTimeMillis());
            Map<String, List<SeenInvoice>> index = indexByVendor.computeIfAbsent(vendorKey, k -> new HashMap<>());
            String numberKey = DuplicateDetector.numberKey(probe.normalizedNumber);
            String amountKey = DuplicateDetector.amountKey(probe.currency, probe.amountMilli);
            List<SeenInvoice> byNumber = index.getOrDefault(numberKey, List.of());
            List<SeenInvoice> byAmount = index.getOrDefault(amountKey, List.of());
            if (probe.amountMilli > 0) {
                Set<String> compared = new HashSet<>();
                int count = 0;
                outer:
                for (List<SeenInvoice> bucket : List.of(byNumber, byAmount)) {
                    for (SeenInvoice c : bucket) {
                        if (c.invoiceId.equals(probe.invoiceId)
                                || Math.abs(c.eventTime - probe.eventTime) > lookbackMillis
                                || !compared.add(c.invoiceId)) {
                            continue;
                        }
                        if (count++ >= maxComparisons) {
                            break outer;
                        }
                        double[] x = new double[PairFeatures.SIZE];
                        MatchKind kind = PairFeatures.compute(probe, c, byNumber.size(), byAmount.size(), dateToleranceDays, x);
                        pairs.add(new Pair(inv.tenantId, inv.vendorId, probe, c, x, kind));
                    }
                }
                index.computeIfAbsent(numberKey, k -> new ArrayList<>()).add(probe);
                index.computeIfAbsent(amountKey, k -> new ArrayList<>()).add(probe);
            }
        }
        return pairs;
    }

    /** The pair's key, either order: tenant, vendor, the two invoice ids sorted. */
    public static String key(String tenant, String vendor, String a, String b) {
        return a.compareTo(b) <= 0 ? tenant + '\u001f' + vendor + '\u001f' + a + '\u001f' + b
                : tenant + '\u001f' + vendor + '\u001f' + b + '\u001f' + a;
    }
}
