package io.invoicesieve.tools.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Scores decisions against the generator's ground truth: per reason precision and recall,
 * duplicate recall by kind, matched originals, false REVIEW and HOLD rates on clean invoices, and
 * SAP's six-field duplicate check on the same data as the baseline.
 */
public final class Accuracy {

    /** A truth row of a first delivery (replays and malformed lines are counted, not scored). */
    static final class Truth {
        String key;
        String kind;
        String original;
        boolean lowConfidence;
        boolean late;
    }

    /** What the job decided for one invoice. */
    static final class Outcome {
        String decision;
        Set<String> codes = new HashSet<>();
        Set<String> matched = new HashSet<>();
    }

    /**
     * What is scored. DUPLICATE is either duplicate reason; DUPLICATE_EXACT and DUPLICATE_SUSPECT are
     * each reason alone (their precision: the invoices carrying it that are resubmissions; a
     * resubmission of any kind is a right DUPLICATE_EXACT or DUPLICATE_SUSPECT, so their recall is
     * the share of all resubmissions carrying that reason and not a measure of the detector).
     */
    enum Signal {
        DUPLICATE, DUPLICATE_EXACT, DUPLICATE_SUSPECT, AMOUNT_ANOMALY, BANK_CHANGE, BANK_SHARED, LOW_CONFIDENCE, LATE_EVENT
    }

    /** Duplicate kinds in report order. */
    static final String[] DUPLICATES = {"DUP_EXACT", "DUP_REKEYED", "DUP_AMOUNT_TYPO", "DUP_NEW_NUMBER",
        "DUP_CROSS_VENDOR", "DUP_CREDIT_NOTE", "DUP_AFTER_REVERSAL", "DUP_AFTER_PARTIAL_CREDIT"};
    /** Clean kinds in report order. */
    static final String[] CLEANS = {"CLEAN", "RECURRING", "CREDIT_NOTE", "MILD_VARIATION", "HIGH_VOLUME", "REENTRY"};
    static final Set<String> DUPLICATE_KINDS = Set.of(DUPLICATES);
    static final Set<String> CLEAN_KINDS = Set.of(CLEANS);

    final Map<String, Truth> truth = new LinkedHashMap<>();
    final Map<String, Outcome> outcomes = new HashMap<>();
    int malformed;
    int replays;
    int deadLetters;
    final Map<String, Integer> kinds = new TreeMap<>();
    final Map<String, int[]> baseline = new TreeMap<>();
    int baselineFalse;

    static Accuracy evaluate(Path invoices, Path truthCsv, Path decisions, Path dlq) throws IOException {
        Accuracy a = new Accuracy();
        a.readTruth(truthCsv);
        a.readDecisions(decisions);
        try (BufferedReader r = Files.newBufferedReader(dlq, StandardCharsets.UTF_8)) {
            while (r.readLine() != null) {
                a.deadLetters++;
            }
        }
        a.sapBaseline(invoices, truthCsv);
        return a;
    }

    private void readTruth(Path csv) throws IOException {
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (String row : rows.subList(1, rows.size())) {
            String[] c = row.split(",", -1);
            if (c[4].equals("MALFORMED")) {
                malformed++;
                continue;
            }
            if (c[9].equals("true")) {
                replays++;
                continue;
            }
            Truth t = new Truth();
            t.key = c[2] + "/" + c[1];
            t.kind = c[4];
            t.original = c[5].isEmpty() ? null : c[2] + "/" + c[5];
            t.lowConfidence = c[7].equals("true");
            t.late = c[8].equals("true");
            truth.put(t.key, t);
            kinds.merge(t.kind, 1, Integer::sum);
        }
    }

    private void readDecisions(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode d = json.readTree(line);
                String tenant = d.get("tenant_id").asText();
                Outcome o = new Outcome();
                o.decision = d.get("decision").asText();
                for (JsonNode reason : d.get("reasons")) {
                    o.codes.add(reason.get("code").asText());
                }
                for (JsonNode id : d.get("matched_invoice_ids")) {
                    o.matched.add(tenant + "/" + id.asText());
                }
                if (outcomes.put(tenant + "/" + d.get("invoice_id").asText(), o) != null) {
                    throw new IllegalStateException("two decisions for " + d.get("invoice_id").asText());
                }
            }
        }
    }

    static boolean expected(Truth t, Signal s) {
        switch (s) {
            case DUPLICATE:
                return DUPLICATE_KINDS.contains(t.kind);
            case DUPLICATE_EXACT:
                return t.kind.equals("DUP_EXACT");
            case DUPLICATE_SUSPECT:
                return DUPLICATE_KINDS.contains(t.kind);
            case AMOUNT_ANOMALY:
                return t.kind.equals("AMOUNT_ANOMALY") || t.kind.equals("BANK_CHANGE_HIGH_AMOUNT");
            case BANK_CHANGE:
                return t.kind.equals("BANK_CHANGE") || t.kind.equals("BANK_CHANGE_HIGH_AMOUNT");
            case BANK_SHARED:
                return t.kind.equals("BANK_SHARED");
            case LOW_CONFIDENCE:
                return t.lowConfidence;
            case LATE_EVENT:
                return t.late;
            default:
                throw new IllegalArgumentException(s.name());
        }
    }

    /** Flags that are right without being the labelled signal (not counted against precision). */
    static boolean acceptable(Truth t, Signal s) {
        // a vendor's first invoice to an account another vendor uses is also a new account for it;
        // an invoice entered under a vendor twin may be the twin's first on the shared account
        // DUPLICATE_EXACT on a duplicate of another kind entered with the same number and date
        return s == Signal.BANK_CHANGE && t.kind.equals("BANK_SHARED")
                || s == Signal.BANK_SHARED && t.kind.equals("DUP_CROSS_VENDOR")
                || s == Signal.DUPLICATE_EXACT && DUPLICATE_KINDS.contains(t.kind);
    }

    static boolean flagged(Outcome o, Signal s) {
        switch (s) {
            case DUPLICATE:
                return o.codes.contains("DUPLICATE_EXACT") || o.codes.contains("DUPLICATE_SUSPECT");
            default:
                return o.codes.contains(s.name());
        }
    }

    /** tp, fp, fn per signal. */
    Map<Signal, int[]> confusion() {
        Map<Signal, int[]> m = new LinkedHashMap<>();
        for (Signal s : Signal.values()) {
            int[] c = new int[3];
            for (Truth t : truth.values()) {
                Outcome o = outcomes.get(t.key);
                boolean f = o != null && flagged(o, s);
                boolean e = expected(t, s);
                if (f && e) {
                    c[0]++;
                } else if (f && !acceptable(t, s)) {
                    c[1]++;
                } else if (!f && e) {
                    c[2]++;
                }
            }
            m.put(s, c);
        }
        return m;
    }

    /** SAP's standard check: same vendor, currency, company code, gross amount, reference, date; no credit memos. */
    private void sapBaseline(Path invoices, Path truthCsv) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<String> seen = new HashSet<>();
        Map<String, String> keyOf = new HashMap<>();
        Map<String, BigDecimal> amountOf = new HashMap<>();
        List<String> rows = Files.readAllLines(truthCsv, StandardCharsets.UTF_8);
        int line = 0;
        try (BufferedReader r = Files.newBufferedReader(invoices, StandardCharsets.UTF_8)) {
            String text;
            while ((text = r.readLine()) != null) {
                line++;
                String[] c = rows.get(line).split(",", -1);
                if (c[4].equals("MALFORMED") || c[9].equals("true")) {
                    continue;
                }
                JsonNode n = json.readTree(text);
                BigDecimal amount = new BigDecimal(n.get("amount").asText());
                String kind = c[4];
                String id = c[2] + "/" + c[1];
                if (amount.signum() <= 0) {
                    // a reversal (credit memo of the full amount, linked to its invoice in SAP) takes the
                    // invoice out of the check; SAP's check does not compare credit memos
                    String original = c[5].isEmpty() ? null : c[2] + "/" + c[5];
                    if (original != null && amountOf.containsKey(original)
                            && amountOf.get(original).compareTo(amount.negate()) == 0) {
                        seen.remove(keyOf.get(original));
                    }
                    int[] k = baseline.computeIfAbsent(kind, x -> new int[2]);
                    k[1]++;
                    continue;
                }
                String key = String.join("\u001f", n.get("tenant_id").asText(), n.get("vendor_id").asText(),
                        n.get("currency").asText(), amount.stripTrailingZeros().toPlainString(),
                        n.get("invoice_number").asText(), n.get("invoice_date").asText());
                keyOf.put(id, key);
                amountOf.put(id, amount);
                boolean hit = !seen.add(key);
                int[] k = baseline.computeIfAbsent(kind, x -> new int[2]);
                k[1]++;
                if (hit) {
                    k[0]++;
                    if (!DUPLICATE_KINDS.contains(kind)) {
                        baselineFalse++;
                    }
                }
            }
        }
    }

    String markdown(String command, String dataSummary) {
        StringBuilder b = new StringBuilder();
        b.append("# invoice-sieve accuracy report\n\n");
        b.append("Produced by `").append(command).append("`.\n\n");
        b.append("Data: ").append(dataSummary).append("\n\n");
        b.append(String.format(Locale.ROOT,
                "Scored: %d distinct valid invoices; %d replays (no second decision expected), %d malformed lines (dead letters: %d).%n%n",
                truth.size(), replays, malformed, deadLetters));
        long missing = truth.keySet().stream().filter(k -> !outcomes.containsKey(k)).count();
        b.append(String.format(Locale.ROOT, "Decisions: %d (invoices without a decision: %d).%n%n", outcomes.size(), missing));

        Map<Signal, int[]> conf = confusion();
        b.append("How to read it: a flag is right when the invoice carries the labelled signal; BANK_CHANGE on a BANK_SHARED "
                + "invoice is not counted against precision (the account is new for that vendor too). Duplicates count "
                + "DUPLICATE_EXACT and DUPLICATE_SUSPECT together; the resubmission must be the flagged one.\n\n");
        b.append("## Per reason\n\n| reason | flagged right | false flags | missed | precision | recall | target |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Map.Entry<Signal, int[]> e : conf.entrySet()) {
            int[] c = e.getValue();
            // DUPLICATE_SUSPECT: right on any resubmission, so no miss or recall of its own
            boolean precisionOnly = e.getKey() == Signal.DUPLICATE_SUSPECT;
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %s | %s |%n",
                    e.getKey() == Signal.DUPLICATE ? "DUPLICATE_* (exact or suspect)" : e.getKey().name(),
                    c[0], c[1], precisionOnly ? "-" : String.valueOf(c[2]), ratio(c[0], c[0] + c[1]),
                    precisionOnly ? "-" : ratio(c[0], c[0] + c[2]), target(e.getKey())));
        }

        b.append("\nLATE_EVENT is informational (score 0). Whether a record is behind the watermark depends on how fast the "
                + "input is replayed: a file read at full speed advances the watermark in steps of hours of event time, so "
                + "few of the generator's late records (1-10 hours behind) are behind it in a local run. It is not a target.\n");
        b.append("\n## Duplicates by kind\n\n| kind | resubmissions | caught | recall | matched_invoice_ids names the original | SAP six-field check caught | SAP recall |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int allDup = 0;
        int allCaught = 0;
        int allNamed = 0;
        int sapCaught = 0;
        for (String kind : DUPLICATES) {
            int n = 0;
            int caught = 0;
            int named = 0;
            for (Truth t : truth.values()) {
                if (!t.kind.equals(kind)) {
                    continue;
                }
                n++;
                Outcome o = outcomes.get(t.key);
                if (o != null && flagged(o, Signal.DUPLICATE)) {
                    caught++;
                    if (o.matched.contains(t.original)) {
                        named++;
                    }
                }
            }
            int[] sap = baseline.getOrDefault(kind, new int[2]);
            allDup += n;
            allCaught += caught;
            allNamed += named;
            sapCaught += sap[0];
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %s | %d | %s |%n",
                    kind, n, caught, ratio(caught, n), ratio(named, caught), sap[0], ratio(sap[0], n)));
        }
        b.append(String.format(Locale.ROOT, "| all | %d | %d | %s | %s | %d | %s |%n",
                allDup, allCaught, ratio(allCaught, allDup), ratio(allNamed, allCaught), sapCaught, ratio(sapCaught, allDup)));
        int[] dup = conf.get(Signal.DUPLICATE);
        int pairs = 0;
        int pairFlagged = 0;
        for (Truth t : truth.values()) {
            if (t.kind.equals("DUP_CROSS_VENDOR")) {
                pairs++;
                Outcome o = outcomes.get(t.key);
                Outcome orig = outcomes.get(t.original);
                if (o != null && flagged(o, Signal.DUPLICATE)
                        || orig != null && flagged(orig, Signal.DUPLICATE) && orig.matched.contains(t.key)) {
                    pairFlagged++;
                }
            }
        }
        if (pairs > 0) {
            b.append(String.format(Locale.ROOT,
                    "%nCross-vendor pairs where either entry was flagged naming the other: %d of %d (%s). The two "
                            + "entries come from two scorer subtasks; in a replay the account-keyed stage holds them until "
                            + "the watermark (sieve.duplicates.cross-vendor.order-hold) so that the later one is flagged. A "
                            + "pair flagged on the earlier entry counts above as a miss and a false flag.%n",
                    pairFlagged, pairs, ratio(pairFlagged, pairs)));
        }
        b.append(String.format(Locale.ROOT,
                "%nBaseline precision: SAP's check flagged %d invoices, %d of them not resubmissions: precision %s, against ours %s.%n",
                sapCaught + baselineFalse, baselineFalse, ratio(sapCaught, sapCaught + baselineFalse), ratio(dup[0], dup[0] + dup[1])));

        b.append("\n## Clean invoices\n\nClean: " + String.join(", ", CLEANS) + " invoices whose extraction confidence is not low. "
                + "HIGH_VOLUME: legitimate invoices of high-volume suppliers; REENTRY: invoices entered again after a "
                + "credit note of their full amount reversed them. SAP flagged: the six-field check's hits (it skips "
                + "reversed invoices and does not check credit memos).\n\n");
        b.append("| kind | invoices | REVIEW | HOLD | false REVIEW rate | false HOLD rate | flagged | SAP flagged |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        int cleanAll = 0;
        int reviewAll = 0;
        int holdAll = 0;
        Map<String, Integer> falseReasons = new TreeMap<>();
        for (String kind : CLEANS) {
            int n = 0;
            int review = 0;
            int hold = 0;
            for (Truth t : truth.values()) {
                if (!t.kind.equals(kind) || t.lowConfidence) {
                    continue;
                }
                n++;
                Outcome o = outcomes.get(t.key);
                if (o == null) {
                    continue;
                }
                if (o.decision.equals("REVIEW")) {
                    review++;
                } else if (o.decision.equals("HOLD")) {
                    hold++;
                }
                if (!o.decision.equals("PASS")) {
                    for (String code : o.codes) {
                        falseReasons.merge(code, 1, Integer::sum);
                    }
                }
            }
            cleanAll += n;
            reviewAll += review;
            holdAll += hold;
            int[] sap = baseline.getOrDefault(kind, new int[2]);
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s |%n",
                    kind, n, review, hold, pct(review, n), pct(hold, n), pct(review + hold, n), pct(sap[0], sap[1])));
        }
        b.append(String.format(Locale.ROOT, "| all clean | %d | %d | %d | %s | %s | %s | |%n",
                cleanAll, reviewAll, holdAll, pct(reviewAll, cleanAll), pct(holdAll, cleanAll),
                pct(reviewAll + holdAll, cleanAll)));
        b.append("\nReasons on falsely flagged clean invoices: ").append(falseReasons.isEmpty() ? "none" : falseReasons.toString()).append("\n");

        b.append("\n## Targets\n\n| target | value | met |\n| --- | --- | --- |\n");
        int[] am = conf.get(Signal.AMOUNT_ANOMALY);
        int[] bc = conf.get(Signal.BANK_CHANGE);
        int[] bs = conf.get(Signal.BANK_SHARED);
        row(b, "duplicates precision >= 0.97", frac(dup[0], dup[0] + dup[1]), 0.97);
        row(b, "duplicates recall >= 0.95", frac(dup[0], dup[0] + dup[2]), 0.95);
        row(b, "amount anomalies precision >= 0.8", frac(am[0], am[0] + am[1]), 0.8);
        row(b, "amount anomalies recall >= 0.9", frac(am[0], am[0] + am[2]), 0.9);
        row(b, "BANK_CHANGE precision = 1.0", frac(bc[0], bc[0] + bc[1]), 1.0);
        row(b, "BANK_CHANGE recall = 1.0", frac(bc[0], bc[0] + bc[2]), 1.0);
        row(b, "BANK_SHARED recall >= 0.9", frac(bs[0], bs[0] + bs[2]), 0.9);
        row(b, "cross-vendor duplicates recall >= 0.90", recall("DUP_CROSS_VENDOR"), 0.90);
        row(b, "(cross-vendor pairs flagged on either entry, naming the other)", crossVendorPairShare(), 0.90);
        max(b, "high-volume suppliers' legitimate invoices flagged <= 1%", flagRate("HIGH_VOLUME"), 0.01);
        max(b, "re-entries after a full reversal flagged <= 10%", flagRate("REENTRY"), 0.10);
        max(b, "false REVIEW <= 1% of clean invoices", falseReviewRate(), 0.01);
        max(b, "false HOLD <= 0.2% of clean invoices", falseHoldRate(), 0.002);
        return b.toString();
    }

    boolean targetsMet() {
        Map<Signal, int[]> conf = confusion();
        int[] dup = conf.get(Signal.DUPLICATE);
        int[] am = conf.get(Signal.AMOUNT_ANOMALY);
        int[] bc = conf.get(Signal.BANK_CHANGE);
        int[] bs = conf.get(Signal.BANK_SHARED);
        return frac(dup[0], dup[0] + dup[1]) >= 0.97 && frac(dup[0], dup[0] + dup[2]) >= 0.95
                && frac(am[0], am[0] + am[1]) >= 0.8 && frac(am[0], am[0] + am[2]) >= 0.9
                && frac(bc[0], bc[0] + bc[1]) >= 1.0 && frac(bc[0], bc[0] + bc[2]) >= 1.0
                && frac(bs[0], bs[0] + bs[2]) >= 0.9
                && flagRate("HIGH_VOLUME") <= 0.01
                && flagRate("REENTRY") <= 0.10 && falseReviewRate() <= 0.01 && falseHoldRate() <= 0.002;
    }

    /**
     * Cross-vendor pairs in which either entry was flagged naming the other: the detector's recall
     * independent of which entry reached the account-keyed stage first (see the job's README).
     */
    double crossVendorPairShare() {
        int pairs = 0;
        int flaggedPairs = 0;
        for (Truth t : truth.values()) {
            if (t.kind.equals("DUP_CROSS_VENDOR")) {
                pairs++;
                Outcome o = outcomes.get(t.key);
                Outcome orig = outcomes.get(t.original);
                if (o != null && flagged(o, Signal.DUPLICATE)
                        || orig != null && flagged(orig, Signal.DUPLICATE) && orig.matched.contains(t.key)) {
                    flaggedPairs++;
                }
            }
        }
        return frac(flaggedPairs, pairs);
    }

    /** Recall of one duplicate kind (NaN when the data has none). */
    double recall(String kind) {
        int n = 0;
        int caught = 0;
        for (Truth t : truth.values()) {
            if (t.kind.equals(kind)) {
                n++;
                Outcome o = outcomes.get(t.key);
                if (o != null && flagged(o, Signal.DUPLICATE)) {
                    caught++;
                }
            }
        }
        return frac(caught, n);
    }

    /** Share of one clean kind's invoices (not low-confidence) put on REVIEW or HOLD. */
    double flagRate(String kind) {
        int n = 0;
        int flagged = 0;
        for (Truth t : truth.values()) {
            if (t.kind.equals(kind) && !t.lowConfidence) {
                n++;
                Outcome o = outcomes.get(t.key);
                if (o != null && !o.decision.equals("PASS")) {
                    flagged++;
                }
            }
        }
        return frac(flagged, n);
    }

    /** Number of invoices of a kind in the data. */
    int count(String kind) {
        return kinds.getOrDefault(kind, 0);
    }

    /** Invoices of a clean kind whose extraction confidence is not low (what {@link #flagRate} divides by). */
    int cleanCount(String kind) {
        int n = 0;
        for (Truth t : truth.values()) {
            if (t.kind.equals(kind) && !t.lowConfidence) {
                n++;
            }
        }
        return n;
    }

    /** Clean invoices (any clean kind, not low-confidence): what the false REVIEW and HOLD rates divide by. */
    int cleanCount() {
        int n = 0;
        for (String kind : CLEANS) {
            n += cleanCount(kind);
        }
        return n;
    }

    /** Invoices labelled with the signal (flagged right + missed). */
    int support(Signal s) {
        int[] c = confusion().get(s);
        return c[0] + c[2];
    }

    /** Invoices flagged with the signal that do not carry it (and are not an acceptable flag). */
    int falseFlags(Signal s) {
        return confusion().get(s)[1];
    }

    /** Precision of a signal: NaN when it was never flagged. */
    double precision(Signal s) {
        int[] c = confusion().get(s);
        return frac(c[0], c[0] + c[1]);
    }

    /** Recall of a signal: NaN when no invoice carries it. */
    double recall(Signal s) {
        int[] c = confusion().get(s);
        return frac(c[0], c[0] + c[2]);
    }

    /** Share of clean (not low-confidence) invoices put on REVIEW. */
    double falseReviewRate() {
        return falseRate("REVIEW");
    }

    /** Share of clean (not low-confidence) invoices put on HOLD. */
    double falseHoldRate() {
        return falseRate("HOLD");
    }

    /** Share of clean (not low-confidence) invoices given {@code decision}: NaN when there are none. */
    private double falseRate(String decision) {
        int clean = 0;
        int flagged = 0;
        for (Truth t : truth.values()) {
            if (CLEAN_KINDS.contains(t.kind) && !t.lowConfidence) {
                clean++;
                Outcome o = outcomes.get(t.key);
                if (o != null && o.decision.equals(decision)) {
                    flagged++;
                }
            }
        }
        return frac(flagged, clean);
    }

    /** Among caught resubmissions, the share whose matched_invoice_ids name the original. */
    double matchedOriginalShare() {
        int caught = 0;
        int named = 0;
        for (Truth t : truth.values()) {
            Outcome o = outcomes.get(t.key);
            if (DUPLICATE_KINDS.contains(t.kind) && o != null && flagged(o, Signal.DUPLICATE)) {
                caught++;
                if (o.matched.contains(t.original)) {
                    named++;
                }
            }
        }
        return frac(named, caught);
    }

    private static void max(StringBuilder b, String name, double value, double target) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", name,
                Double.isNaN(value) ? "n/a (none in the data)" : String.format(Locale.ROOT, "%.3f%%", 100 * value),
                value <= target ? "yes" : "NO"));
    }

    private static void row(StringBuilder b, String name, double value, double target) {
        b.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", name,
                Double.isNaN(value) ? "n/a (none in the data)" : String.format(Locale.ROOT, "%.4f", value),
                value >= target ? "yes" : "NO"));
    }

    private static String target(Signal s) {
        switch (s) {
            case DUPLICATE:
                return "P >= 0.97, R >= 0.95";
            case AMOUNT_ANOMALY:
                return "P >= 0.8, R >= 0.9";
            case BANK_CHANGE:
                return "P = R = 1.0";
            case BANK_SHARED:
                return "R >= 0.9";
            default:
                return "";
        }
    }

    /**
     * a / b; NaN when b is 0, so that a ratio over nothing (a kind missing from the data, a reason
     * never flagged) meets no target: NaN >= x and NaN <= x are both false.
     */
    static double frac(int a, int b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private static String ratio(int a, int b) {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", (double) a / b);
    }

    private static String pct(int a, int b) {
        return b == 0 ? "n/a" : String.format(Locale.ROOT, "%.3f%%", 100.0 * a / b);
    }

    /** Invoices flagged with a signal they were not labelled with, for diagnosis. */
    List<String> falsePositives(Signal s, int limit) {
        List<String> out = new ArrayList<>();
        for (Truth t : truth.values()) {
            Outcome o = outcomes.get(t.key);
            if (o != null && flagged(o, s) && !expected(t, s) && !acceptable(t, s)) {
                out.add(t.key + " kind=" + t.kind);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Clean invoices of a kind that were flagged, with their codes, for diagnosis. */
    List<String> flaggedClean(String kind, int limit) {
        List<String> out = new ArrayList<>();
        for (Truth t : truth.values()) {
            Outcome o = outcomes.get(t.key);
            if (t.kind.equals(kind) && !t.lowConfidence && o != null && !o.decision.equals("PASS")) {
                out.add(t.key + " " + o.decision + " codes=" + o.codes + " matched=" + o.matched);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    /** Missed duplicates of a kind, for diagnosis. */
    List<String> missedKind(String kind, int limit) {
        List<String> out = new ArrayList<>();
        for (Truth t : truth.values()) {
            Outcome o = outcomes.get(t.key);
            if (t.kind.equals(kind) && (o == null || !flagged(o, Signal.DUPLICATE))) {
                out.add(t.key + " original=" + t.original + (o == null ? "" : " codes=" + o.codes));
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    List<String> misses(Signal s, int limit) {
        List<String> out = new ArrayList<>();
        for (Truth t : truth.values()) {
            Outcome o = outcomes.get(t.key);
            if (expected(t, s) && (o == null || !flagged(o, s))) {
                out.add(t.key + " kind=" + t.kind + (o == null ? " (no decision)" : " codes=" + o.codes));
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

}
