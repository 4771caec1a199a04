package io.invoicesieve.bench;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.ControlCodec;
import io.invoicesieve.control.Controls;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.learn.PairFeatures;
import io.invoicesieve.learn.PairModel;
import io.invoicesieve.model.Reason;
import io.invoicesieve.state.SeenInvoice;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The analysts' loop on the scorer's hot path, per invoice: the duplicate decision through
 * {@link Controls#duplicates} in rules-only mode (no controls), with 1,000 adjudicated pairs of the
 * vendor, and with the pair model active (every candidate pair scored): {@code pairModel}'s artifact
 * rates every pair a duplicate (the worst case: a reason listing up to 64 matches, ranked by insertion),
 * {@code pairModelNoMatch}'s the same weights with a bias that no pair reaches (the scoring alone: features
 * and the logistic, then no reason). {@code candidates} earlier
 * invoices of the vendor share the probe's amount (a subscription-like vendor: the worst case the
 * comparison cap allows is 64). Run alone:
 *
 * <pre>
 * mvn -B -q test-compile -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) io.invoicesieve.bench.PairModelBenchmark
 * </pre>
 * (test-classpath.txt: {@code mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt})
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PairModelBenchmark {

    @Param({"1", "8", "64"})
    int candidates;

    private final DetectorSettings settings = new DetectorSettings(SieveConfig.of(Map.of()), "bench");
    private Controls rulesOnly;
    private Controls withPairs;
    private Controls withModel;
    private Controls withModelNoMatch;
    private SeenInvoice[] probes;
    private SeenInvoice[][][] buckets;
    private int next;

    @Setup
    public void setup() {
        Random random = new Random(1);
        rulesOnly = new Controls();
        withPairs = new Controls();
        withModel = new Controls();
        withModelNoMatch = new Controls();
        for (int i = 0; i < 1000; i++) {
            withPairs.apply(ControlCodec.parse("{\"control_id\":\"p" + i + "\",\"type\":\"NOT_DUPLICATE_PAIR\","
                    + "\"tenant_id\":\"t\",\"vendor_id\":\"v\",\"pair\":{\"invoice\":{\"invoice_id\":\"x" + i
                    + "\",\"invoice_number\":\"N" + i + "\",\"invoice_date\":\"2026-03-02\",\"amount\":\"10.00\",\"currency\":\"EUR\"},"
                    + "\"matched\":{\"invoice_id\":\"y" + i + "\",\"invoice_number\":\"M" + i
                    + "\",\"invoice_date\":\"2026-03-02\",\"amount\":\"10.00\",\"currency\":\"EUR\"}},"
                    + "\"actor\":\"bench\",\"at\":\"2026-03-03T00:00:00Z\"}"));
        }
        double[] zeros = new double[PairFeatures.SIZE];
        double[] ones = new double[PairFeatures.SIZE];
        Arrays.fill(ones, 1);
        double[] w = new double[PairFeatures.SIZE];
        Arrays.fill(w, 0.3);
        ObjectMapper json = new ObjectMapper();
        String artifact = new PairModel("bench", zeros, ones, w, -2, 0.5, 500)
                .toJson(json.createObjectNode().put("labels", 500).put("positives", 100)).toString();
        withModel.apply(ControlCodec.parse("{\"control_id\":\"m\",\"type\":\"MODEL_PUBLISH\",\"model_version\":\"bench\","
                + "\"model\":" + artifact + ",\"actor\":\"bench\",\"at\":\"2026-03-03T00:00:00Z\"}"));
        withModel.apply(ControlCodec.parse("{\"control_id\":\"a\",\"type\":\"MODEL_ACTIVATE\",\"model_version\":\"bench\","
                + "\"actor\":\"bench\",\"at\":\"2026-03-03T00:00:00Z\"}"));
        String noMatch = new PairModel("bench-no-match", zeros, ones, w, -60, 0.5, 500)
                .toJson(json.createObjectNode().put("labels", 500).put("positives", 100)).toString();
        withModelNoMatch.apply(ControlCodec.parse("{\"control_id\":\"m\",\"type\":\"MODEL_PUBLISH\",\"model_version\":"
                + "\"bench-no-match\",\"model\":" + noMatch + ",\"actor\":\"bench\",\"at\":\"2026-03-03T00:00:00Z\"}"));
        withModelNoMatch.apply(ControlCodec.parse("{\"control_id\":\"a\",\"type\":\"MODEL_ACTIVATE\",\"model_version\":"
                + "\"bench-no-match\",\"actor\":\"bench\",\"at\":\"2026-03-03T00:00:00Z\"}"));
        probes = new SeenInvoice[1024];
        buckets = new SeenInvoice[1024][][];
        int day = 20_500;
        for (int i = 0; i < probes.length; i++) {
            long amount = 1_000_000L + random.nextInt(100) * 1000L;
            probes[i] = DuplicateDetector.probe("p" + i, "INV-" + (100_000 + i), amount, "EUR", day, 1_000_000_000L);
            SeenInvoice[] byAmount = new SeenInvoice[candidates];
            for (int c = 0; c < candidates; c++) {
                byAmount[c] = DuplicateDetector.probe("c" + i + "-" + c, "INV-" + (90_000 + i * 64 + c), amount, "EUR",
                        day - 30 * (c + 1) + (c == 0 && i % 4 == 0 ? 30 : 0), 1_000_000_000L - c * 86_400_000L);
            }
            SeenInvoice[] byNumber = i % 8 == 0
                    ? new SeenInvoice[] {DuplicateDetector.probe("n" + i, "INV-" + (100_000 + i), amount, "EUR", day, 999_000_000L)}
                    : null;
            buckets[i] = new SeenInvoice[][] {byNumber, byAmount};
        }
    }

    private Reason run(Controls controls) {
        int i = next++ & 1023;
        SeenInvoice[][] b = buckets[i];
        DuplicateDetector.Result result = DuplicateDetector.find(probes[i], b, settings.lookbackMillis,
                settings.dateToleranceDays, settings.maxComparisons);
        return controls.duplicates("t", "v", probes[i], b, result, settings);
    }

    @Benchmark
    public Reason rulesOnly() {
        return run(rulesOnly);
    }

    @Benchmark
    public Reason rulesWithAdjudicatedPairs() {
        return run(withPairs);
    }

    @Benchmark
    public Reason pairModel() {
        return run(withModel);
    }

    @Benchmark
    public Reason pairModelNoMatch() {
        return run(withModelNoMatch);
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(PairModelBenchmark.class.getName() + "\\.").build()).run();
    }
}
