package io.invoicesieve.tools.accuracy;

import io.invoicesieve.cli.LocalCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.JobOutputs;
import io.invoicesieve.tools.accuracy.Accuracy.Signal;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards detection quality on every build: labelled data from the generator (another seed and shape
 * than the committed reports, never tuned on), the whole job, the same scoring as the report.
 *
 * <p>The bounds sit a few points under what the job reaches, so that a regression of a few points
 * fails (removing the {@code sieve.amount.min-ratio} check drops amount precision from 0.950 to
 * 0.865 and fails here): one bound per reason's precision and recall, per duplicate kind, and a
 * ceiling on false REVIEW and false HOLD over clean invoices. Each bound also names the least data it
 * needs: a target whose kind is missing or thin in the data fails as such, and a ratio over nothing
 * is NaN ({@link Accuracy#frac}), which meets no bound.
 *
 * <p>The same tight bounds at parallelism 1 and 2. At parallelism 2 which entry of a cross-vendor
 * pair reaches the account-keyed stage first depends on how the two scorer subtasks interleave; the
 * stage's order-hold ({@code sieve.duplicates.cross-vendor.order-hold}, functions/AccountSharing)
 * makes a replay's entries meet in event-time order, so the figures are those of parallelism 1
 * (without it: cross-vendor recall 0.74 to 0.86, and the earlier entries held naming the copies).
 * Measured figures and the commands: README, "Accuracy targets".
 */
class AccuracyITCase {

    /** A bound on one figure of the report, and the least support in the data it needs to mean something. */
    record Target(String name, ToDoubleFunction<Accuracy> value, boolean atLeast, double bound,
            ToIntFunction<Accuracy> support, int minSupport) {}

    @TempDir
    static Path dir;
    static Path invoices;
    static Path truth;

    @BeforeAll
    static void generate() throws Exception {
        invoices = dir.resolve("invoices.jsonl");
        truth = dir.resolve("truth.csv");
        new InvoiceGenerator().generate(
                GeneratorConfig.builder().seed(31).invoices(25_000).tenants(3).vendorsPerTenant(100)
                        .start(LocalDate.of(2026, 2, 1)).days(190)
                        .bankChangeRate(0.1).bankSharedRate(0.05).build(),
                invoices, truth);
    }

    /** Figures the arrival order at the account-keyed stage does not change on this data: the same at parallelism 1 and 2. */
    static List<Target> orderIndependent() {
        List<Target> t = new ArrayList<>();
        // measured (seed 31 / min over seeds 31, 7, 101): 0.9503 / 0.9167 and 0.9623 / 0.9623
        t.add(precision(Signal.AMOUNT_ANOMALY, 0.90, 140));
        t.add(recall(Signal.AMOUNT_ANOMALY, 0.94, 140));
        // 1.0 everywhere, and the product's target is 1.0
        t.add(precision(Signal.BANK_CHANGE, 1.0, 25));
        t.add(recall(Signal.BANK_CHANGE, 1.0, 25));
        // 1.0 everywhere; 16 invoices, so 0.95 allows no miss and no false flag
        t.add(precision(Signal.BANK_SHARED, 0.95, 12));
        t.add(recall(Signal.BANK_SHARED, 0.95, 12));
        // 1.0 everywhere (251 invoices)
        t.add(precision(Signal.LOW_CONFIDENCE, 0.99, 200));
        t.add(recall(Signal.LOW_CONFIDENCE, 0.99, 200));
        // LATE_EVENT's recall depends on how fast the file is read (not a target); a LATE_EVENT on an
        // invoice that was not late is a bug whatever the speed
        t.add(new Target("false LATE_EVENT flags", a -> a.falseFlags(Signal.LATE_EVENT), false, 0,
                a -> a.support(Signal.LATE_EVENT), 50));
        // duplicate kinds whose recall does not depend on the order: 1.0, 0.9929, 1.0, 0.8865 (min 0.8865)
        t.add(kind("DUP_EXACT", 0.99, 250));
        t.add(kind("DUP_REKEYED", 0.97, 250));
        t.add(kind("DUP_AMOUNT_TYPO", 0.97, 120));
        t.add(kind("DUP_NEW_NUMBER", 0.86, 120));
        t.add(kind("DUP_CREDIT_NOTE", 0.96, 20)); // 25 of 25: none may be missed
        t.add(kind("DUP_AFTER_REVERSAL", 0.95, 15)); // 21 of 21
        t.add(kind("DUP_AFTER_PARTIAL_CREDIT", 0.96, 20)); // 25 of 25
        // either entry of a cross-vendor pair flagged naming the other: 0.9596 / 0.9596, at 1 and 2
        t.add(new Target("cross-vendor pairs flagged on either entry", Accuracy::crossVendorPairShare, true, 0.93,
                a -> a.count("DUP_CROSS_VENDOR"), 80));
        t.add(new Target("caught resubmissions naming the original", Accuracy::matchedOriginalShare, true, 0.99,
                a -> a.support(Signal.DUPLICATE), 900));
        // false REVIEW over 27,143 clean invoices: 0.070% / max 0.095% (19 invoices); no AMOUNT_ANOMALY
        // min-ratio adds 24
        t.add(new Target("false REVIEW rate of clean invoices", Accuracy::falseReviewRate, false, 0.0012,
                Accuracy::cleanCount, 25_000));
        // 0.317% / max 0.424% (the same at parallelism 2 on this data; on seed 7 0.489% to 0.555% there)
        t.add(new Target("HIGH_VOLUME invoices flagged", a -> a.flagRate("HIGH_VOLUME"), false, 0.006,
                a -> a.cleanCount("HIGH_VOLUME"), 2_500));
        // 0 of 75: one allowed
        t.add(new Target("REENTRY invoices flagged", a -> a.flagRate("REENTRY"), false, 0.02,
                a -> a.cleanCount("REENTRY"), 50));
        return t;
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void theTargetsHoldTightlyAtParallelism1And2(int parallelism) throws Exception {
        Accuracy a = run(parallelism);
        List<Target> t = orderIndependent();
        // measured at parallelism 1 and 2 (seed 31 / min over seeds 31, 7, 101): the same figures
        t.add(precision(Signal.DUPLICATE, 0.97, 900)); // 0.9891 / 0.9861
        t.add(recall(Signal.DUPLICATE, 0.96, 900)); // 0.9783 / 0.9783
        t.add(precision(Signal.DUPLICATE_EXACT, 0.98, 250)); // 1.0 / 1.0
        t.add(precision(Signal.DUPLICATE_SUSPECT, 0.96, 900)); // 0.9812 / 0.9765
        // at parallelism 2 only because of the order-hold (0.74-0.86 without it)
        t.add(kind("DUP_CROSS_VENDOR", 0.93, 80)); // 0.9596 / 0.9596
        // 0 / max 0.004% (1 invoice of 27,143)
        t.add(new Target("false HOLD rate of clean invoices", Accuracy::falseHoldRate, false, 0.0002,
                Accuracy::cleanCount, 25_000));
        check(a, t, parallelism);
        // and the product's own targets (Accuracy.targetsMet: the report's Targets table)
        assertThat(a.targetsMet()).as(a.markdown("AccuracyITCase", "seed 31, parallelism " + parallelism)).isTrue();
    }

    private static Accuracy run(int parallelism) throws Exception {
        Path out = dir.resolve("out-p" + parallelism);
        LocalCommand.execute(SieveConfig.defaults(), invoices, out, parallelism);
        Accuracy accuracy = Accuracy.evaluate(invoices, truth, out.resolve("decisions.jsonl"), out.resolve("dlq.jsonl"));
        String report = accuracy.markdown("AccuracyITCase", "seed 31, parallelism " + parallelism);
        assertThat(accuracy.outcomes).as(report).hasSize(accuracy.truth.size());
        // every line the local job wrote is valid against the contract
        assertThat(JobOutputs.decisions(out)).hasSize(accuracy.outcomes.size());
        assertThat(JobOutputs.deadLetters(out)).hasSize(accuracy.deadLetters);
        return accuracy;
    }

    private static void check(Accuracy a, List<Target> targets, int parallelism) {
        String report = a.markdown("AccuracyITCase", "seed 31, parallelism " + parallelism);
        List<String> failed = new ArrayList<>();
        for (Target t : targets) {
            int support = t.support.applyAsInt(a);
            double v = t.value.applyAsDouble(a);
            // primitive comparisons: NaN meets neither
            boolean met = t.atLeast ? v >= t.bound : v <= t.bound;
            if (support < t.minSupport) {
                failed.add(String.format(Locale.ROOT, "%s: %d invoices in the data, the target needs %d",
                        t.name, support, t.minSupport));
            } else if (!met) {
                failed.add(String.format(Locale.ROOT, "%s = %.4f, target %s %.4f",
                        t.name, v, t.atLeast ? ">=" : "<=", t.bound));
            }
        }
        assertThat(failed).as("targets missed at parallelism %d%n%s", parallelism, report).isEmpty();
    }

    private static Target precision(Signal s, double bound, int minSupport) {
        return new Target(s + " precision", a -> a.precision(s), true, bound, a -> a.support(s), minSupport);
    }

    private static Target recall(Signal s, double bound, int minSupport) {
        return new Target(s + " recall", a -> a.recall(s), true, bound, a -> a.support(s), minSupport);
    }

    private static Target kind(String kind, double bound, int minSupport) {
        return new Target(kind + " recall", a -> a.recall(kind), true, bound, a -> a.count(kind), minSupport);
    }
}
