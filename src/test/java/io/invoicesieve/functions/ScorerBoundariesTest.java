package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The scorer's boundaries and counters that the other scorer tests leave undefended (README,
 * "Mutation testing": the killable survivors): an invoice exactly at the watermark is late, the
 * lateEvents and duplicateComparisonCapHits counters count, and BANK_CHANGE weighs the amount
 * against the median from exactly three amounts on, and never for an amount of zero.
 */
class ScorerBoundariesTest {

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment env;
    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> harness;
    private DetectorSettings settings;

    private void open(Map<String, String> config) throws Exception {
        settings = Fixtures.settings(config);
        env = new MockEnvironmentBuilder()
                .setMetricGroup(new UnregisteredMetricGroups.UnregisteredTaskMetricGroup() {
                    @Override
                    public InternalOperatorMetricGroup getOrAddOperator(OperatorID id, String name) {
                        return metrics;
                    }
                })
                .build();
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new InvoiceScorer(settings)), InvoiceScorer::key, Types.STRING, env);
        harness.getExecutionConfig().disableGenericTypes();
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (env != null) {
            env.close();
        }
    }

    private Decision score(Invoice inv) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement(inv, inv.eventTimeMillis());
        List<Decision> out = harness.extractOutputValues();
        assertThat(out).as("one decision for %s", inv.invoiceId).hasSize(before + 1);
        return Decider.decide(out.get(out.size() - 1), settings.thresholds);
    }

    private long counter(String name) {
        assertThat(metrics.get(name)).as("counter %s", name).isInstanceOf(Counter.class);
        return ((Counter) metrics.get(name)).getCount();
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    private static Reason reason(Decision d, ReasonCode code) {
        return Arrays.stream(d.reasons).filter(r -> r.code == code).findFirst().orElseThrow();
    }

    @Test
    void anInvoiceExactlyAtTheWatermarkIsLateAndCounted() throws Exception {
        open(Map.of());
        score(invoice("a-1").number("INV-1").amount("100.00").build());
        assertThat(counter("lateEvents")).isZero();
        long watermark = Fixtures.BASE.toEpochMilli() + 10 * DAY;
        harness.processWatermark(watermark);

        Invoice at = invoice("at").number("INV-2").amount("200.00").day(10).build();
        assertThat(at.eventTimeMillis()).isEqualTo(watermark);
        Decision d = score(at);
        assertThat(codes(d)).as("event time = watermark").containsExactly(ReasonCode.LATE_EVENT);
        assertThat(d.late).isTrue();
        assertThat(d.reasons[0].evidence.lateByMillis).isZero();
        assertThat(counter("lateEvents")).isEqualTo(1);

        Invoice after = invoice("after").number("INV-3").amount("300.00").day(10).build();
        after.eventTime = after.eventTime.plusMillis(1);
        Decision onTime = score(after);
        assertThat(onTime.late).as("1 ms after the watermark").isFalse();
        assertThat(onTime.reasons).isEmpty();
        assertThat(counter("lateEvents")).isEqualTo(1);

        Decision behind = score(invoice("behind").number("INV-4").amount("400.00").day(2).build());
        assertThat(codes(behind)).containsExactly(ReasonCode.LATE_EVENT);
        assertThat(behind.reasons[0].evidence.lateByMillis).isEqualTo(8 * DAY);
        assertThat(counter("lateEvents")).isEqualTo(2);
    }

    @Test
    void hittingTheComparisonCapIsCounted() throws Exception {
        open(Map.of("sieve.duplicates.max-comparisons", "2"));
        // one number, amounts and dates far apart: candidates in the number bucket, never a match
        String[] amounts = {"100.00", "2700.00", "51000.00", "930000.00", "17.00"};
        long[] capHits = {0, 0, 0, 1, 2};
        long[] compared = {0, 1, 2, 2, 2};
        for (int i = 0; i < amounts.length; i++) {
            Decision d = score(invoice("n-" + i).number("N-1").amount(amounts[i]).day(i * 20).build());
            assertThat(codes(d)).as("invoice %d", i).doesNotContain(ReasonCode.DUPLICATE_EXACT, ReasonCode.DUPLICATE_SUSPECT);
            assertThat(counter("duplicateComparisonCapHits")).as("cap hits after invoice %d", i).isEqualTo(capHits[i]);
            Histogram h = (Histogram) metrics.get("duplicateCandidatesCompared");
            assertThat(h.getCount()).isEqualTo(i + 1);
            assertThat(h.getStatistics().getMax()).as("most compared after invoice %d", i).isEqualTo(compared[i]);
        }
    }

    @Test
    void aBankChangeWeighsTheAmountFromThreeAmountsOn() throws Exception {
        open(Map.of());
        for (int i = 0; i < 3; i++) {
            score(invoice("a-" + i).number("N-" + (10 + i * 7)).amount("1000.00").day(i * 10).build());
        }
        // three amounts of history (= sieve.bank.min-history): the ratio to their median is known
        Decision d = score(invoice("new").number("N-99").amount("2500.00").account("GB29NWBK60161331926819").day(40).build());
        Reason bank = reason(d, ReasonCode.BANK_CHANGE);
        assertThat(bank.evidence.ratioToMedian).isCloseTo(2.5, within(1e-9));
        assertThat(bank.score).as("2.5x the median on a new account").isEqualTo(0.9);
        assertThat(d.decision).isEqualTo(DecisionType.HOLD);
    }

    @Test
    void aZeroAmountOnANewAccountHasNoRatio() throws Exception {
        open(Map.of());
        for (int i = 0; i < 4; i++) {
            score(invoice("a-" + i).number("N-" + (10 + i * 7)).amount("1000.00").day(i * 10).build());
        }
        Decision d = score(invoice("zero").number("N-99").amount("0.00").account("GB29NWBK60161331926819").day(50).build());
        Reason bank = reason(d, ReasonCode.BANK_CHANGE);
        assertThat(bank.evidence.ratioToMedian).as("no ratio for a zero amount").isNull();
        assertThat(bank.score).isEqualTo(0.6);
        assertThat(d.decision).isEqualTo(DecisionType.REVIEW);
    }
}
