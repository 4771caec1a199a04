package io.invoicesieve.tools.learn;

import io.invoicesieve.learn.PairModel;
import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code train --invoices <invoices.jsonl> --dispositions <dispositions.jsonl> --out <model.json>}: the
 * duplicate-pair model. Replays the invoices through the job's blocking and features
 * ({@link OfflinePairs}), joins the adjudicated pairs (CONFIRMED_DUPLICATE = 1, NOT_DUPLICATE = 0; the
 * latest verdict per pair), splits them by time (the last --holdout share of pairs is held out), fits
 * {@link LogisticRegression} on the rest, and prints ROC-AUC and average precision on the held-out pairs
 * next to the rules' own score. Fewer labels than {@link PairModel#MIN_LABELS}: no artifact (rules-only).
 * The dispositions come from a JSON-lines export (e.g. {@code COPY (SELECT payload FROM latest_dispositions)
 * TO ...}) or the labels simulator.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Fit the duplicate-pair model from adjudicated pairs; print ROC-AUC and AP against the rules.")
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--invoices", required = true, description = "the invoices, JSON lines (invoice.schema.json)")
    Path invoices;

    @Option(names = "--dispositions", required = true, description = "dispositions, JSON lines (disposition.schema.json)")
    Path dispositions;

    @Option(names = "--out", description = "the artifact to write (none: evaluate only)")
    Path out;

    @Option(names = "--version", description = "model version (default pairs-<yyyyMMddHHmm>)")
    String version;

    @Option(names = "--holdout", defaultValue = "0.3", description = "share of labelled pairs held out (the latest)")
    double holdout;

    @Option(names = "--l2", defaultValue = "1.0")
    double l2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return new CommandLine(new TrainCommand());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter o = spec.commandLine().getOut();
        List<Invoice> all = OfflinePairs.read(invoices);
        List<OfflinePairs.Pair> pairs = OfflinePairs.pairs(all, OfflinePairs.DATE_TOLERANCE_DAYS,
                OfflinePairs.MAX_COMPARISONS, OfflinePairs.LOOKBACK_MILLIS);
        Map<String, Boolean> labels = new HashMap<>();
        Map<String, Long> labelTime = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(dispositions, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode d = json.readTree(line);
                String verdict = d.path("verdict").asText();
                if (!verdict.equals("CONFIRMED_DUPLICATE") && !verdict.equals("NOT_DUPLICATE") || !d.has("pair")) {
                    continue;
                }
                String key = OfflinePairs.key(d.path("tenant_id").asText(), d.path("vendor_id").asText(),
                        d.path("pair").path("invoice").path("invoice_id").asText(),
                        d.path("pair").path("matched").path("invoice_id").asText());
                long at = Instant.parse(d.path("decided_at").asText()).toEpochMilli();
                if (!labelTime.containsKey(key) || labelTime.get(key) <= at) {
                    labels.put(key, verdict.equals("CONFIRMED_DUPLICATE"));
                    labelTime.put(key, at);
                }
            }
        }
        List<OfflinePairs.Pair> labelled = new ArrayList<>();
        for (OfflinePairs.Pair p : pairs) {
            if (labels.containsKey(key(p))) {
                labelled.add(p);
            }
        }
        labelled.sort(Comparator.comparingLong(p -> p.probe.eventTime));
        long positives = labelled.stream().filter(p -> labels.get(key(p))).count();
        o.printf(Locale.ROOT, "%d candidate pairs, %d dispositions on pairs, %d adjudicated candidate pairs (%d duplicates)%n",
                pairs.size(), labels.size(), labelled.size(), positives);
        int split = (int) Math.round(labelled.size() * (1 - holdout));
        List<OfflinePairs.Pair> train = labelled.subList(0, split);
        List<OfflinePairs.Pair> test = labelled.subList(split, labelled.size());
        long trainPos = train.stream().filter(p -> labels.get(key(p))).count();
        if (train.size() < PairModel.MIN_LABELS || trainPos < PairModel.MIN_CLASS || train.size() - trainPos < PairModel.MIN_CLASS) {
            o.printf("too few labels to train (%d pairs, %d duplicates; at least %d and %d of each class):"
                    + " no artifact, the job stays in rules-only mode%n",
                    train.size(), trainPos, PairModel.MIN_LABELS, PairModel.MIN_CLASS);
            return 1;
        }
        List<double[]> xs = new ArrayList<>();
        boolean[] ys = new boolean[train.size()];
        for (int i = 0; i < train.size(); i++) {
            xs.add(train.get(i).features);
            ys[i] = labels.get(key(train.get(i)));
        }
        String v = version != null ? version
                : "pairs-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(java.time.ZoneOffset.UTC)
                        .format(Instant.now());
        PairModel model = LogisticRegression.fit(v, xs, ys, l2, 50);
        model = model.withThreshold(bestF1Threshold(model, xs, ys));

        double[] modelScores = new double[test.size()];
        double[] ruleScores = new double[test.size()];
        boolean[] truth = new boolean[test.size()];
        for (int i = 0; i < test.size(); i++) {
            modelScores[i] = model.score(test.get(i).features);
            ruleScores[i] = test.get(i).ruleScore();
            truth[i] = labels.get(key(test.get(i)));
        }
        double modelAp = RankingMetrics.averagePrecision(modelScores, truth);
        double modelAuc = RankingMetrics.rocAuc(modelScores, truth);
        double rulesAp = RankingMetrics.averagePrecision(ruleScores, truth);
        double rulesAuc = RankingMetrics.rocAuc(ruleScores, truth);
        long testPos = 0;
        for (boolean t : truth) {
            testPos += t ? 1 : 0;
        }
        o.printf(Locale.ROOT, "trained on %d pairs (%d duplicates); held out the latest %d pairs (%d duplicates)%n",
                train.size(), trainPos, test.size(), testPos);
        o.printf(Locale.ROOT, "%-28s %8s %8s%n", "held-out pairs", "ROC-AUC", "AP");
        o.printf(Locale.ROOT, "%-28s %8.4f %8.4f%n", "rules (match kind score)", rulesAuc, rulesAp);
        o.printf(Locale.ROOT, "%-28s %8.4f %8.4f%n", "pair model " + v, modelAuc, modelAp);
        o.printf(Locale.ROOT, "threshold %.3f (best F1 on the training pairs)%n", model.threshold);
        if (out != null) {
            ObjectNode t = json.createObjectNode();
            t.put("labels", train.size());
            t.put("positives", trainPos);
            t.put("holdout_pairs", test.size());
            t.put("holdout_positives", testPos);
            t.put("holdout_roc_auc", modelAuc);
            t.put("holdout_average_precision", modelAp);
            t.put("rules_roc_auc", rulesAuc);
            t.put("rules_average_precision", rulesAp);
            t.put("trained_at", Instant.now().toString());
            t.put("invoices", invoices.getFileName().toString());
            t.put("dispositions", dispositions.getFileName().toString());
            Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(model.toJson(t)) + "\n");
            o.println("wrote " + out + " (version " + v + ")");
        }
        return 0;
    }

    private static String key(OfflinePairs.Pair p) {
        return OfflinePairs.key(p.tenantId, p.vendorId, p.probe.invoiceId, p.earlier.invoiceId);
    }

    private static double bestF1Threshold(PairModel model, List<double[]> xs, boolean[] ys) {
        double best = 0.5;
        double bestF1 = -1;
        for (int k = 5; k <= 95; k++) {
            double t = k / 100.0;
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < xs.size(); i++) {
                boolean hit = model.score(xs.get(i)) >= t;
                if (hit && ys[i]) {
                    tp++;
                } else if (hit) {
                    fp++;
                } else if (ys[i]) {
                    fn++;
                }
            }
            double f1 = tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
            if (f1 > bestF1) {
                bestF1 = f1;
                best = t;
            }
        }
        return best;
    }
}
