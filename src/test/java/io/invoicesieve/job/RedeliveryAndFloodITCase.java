package io.invoicesieve.job;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.InvoiceJson;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job (parallelism 2, both keyed stages, the final decision) on two of the security
 * findings: a re-delivery of a known invoice_id with other payment content is HOLD with
 * CHANGED_REDELIVERY while an identical one still yields nothing; and a flood of same-amount
 * invoices neither hides the real duplicate of an early invoice nor lets a capped lookup pass
 * unseen (CANDIDATE_CAP). Both failed on the code before: the changed re-delivery yielded no
 * decision, the flood evicted the original and no reason said the cap was hit.
 */
class RedeliveryAndFloodITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final LocalDate DATE = invoice("x").build().invoiceDate;
    private static final int FLOOD = 100;

    @Test
    void changedReDeliveriesAreHeldAndAFloodHidesNothing(@TempDir Path tmp) throws Exception {
        List<Invoice> in = new ArrayList<>();
        // re-deliveries: same payload, then another amount (same account), then another account
        in.add(invoice("rd-1").vendor("V-RD").number("RD-1").build());
        in.add(invoice("rd-1").vendor("V-RD").number("RD-1").day(0.1).invoiceDate(DATE).build());
        in.add(invoice("rd-1").vendor("V-RD").number("RD-1").day(0.2).invoiceDate(DATE).amount("12500.00").build());
        in.add(invoice("rd-2").vendor("V-RD").number("RD-2").day(0.3).invoiceDate(DATE).amount("640.00").build());
        in.add(invoice("rd-2").vendor("V-RD").number("RD-2").day(0.4).invoiceDate(DATE).amount("640.00").build());
        in.add(invoice("rd-2").vendor("V-RD").number("RD-2").day(0.5).invoiceDate(DATE)
                .amount("640.00").account("GB29NWBK60161331926819").build());
        // the flood: an original, FLOOD invoices of its amount and date under random numbers, its resubmission
        in.add(invoice("fl-orig").vendor("V-FL").number("INV-0042").amount("777.00").account("FL-ACC-1").build());
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < FLOOD; i++) {
            in.add(invoice("fl-" + i).vendor("V-FL").number("FL-" + (10_000_000 + r.nextInt(89_999_999)))
                    .amount("777.00").account("FL-ACC-1").day(1 + i / 100.0).invoiceDate(DATE).build());
        }
        in.add(invoice("fl-resub").vendor("V-FL").number("INV-0042-1").amount("777.00").account("FL-ACC-1")
                .day(3).invoiceDate(DATE).build());
        InvoiceJson.write(tmp.resolve("input").resolve("invoices.jsonl"), in);

        // rd-1 twice, rd-2 twice, the flood's invoices once each
        int expected = 4 + FLOOD + 2;
        // 10 comparisons, buckets of 40: the flood overflows them
        Map<String, String> settings = Map.of("sieve.duplicates.max-comparisons", "10");
        JobClient job = SieveJobs.start(SieveJobs.flinkConfig("hashmap", null), settings, 2, tmp.resolve("input"), "redelivery");
        List<Decision> decisions;
        try {
            decisions = SieveJobs.await(job, "redelivery", expected);
        } finally {
            SieveJobs.cancel(job);
        }
        Map<String, List<Decision>> byId = decisions.stream().collect(Collectors.groupingBy(d -> d.invoiceId));

        // same account: one account-sharing key, so the two decisions reach the sink in order
        assertThat(byId.get("rd-1")).extracting(RedeliveryAndFloodITCase::describe)
                .containsExactly("PASS []", "HOLD [CHANGED_REDELIVERY]");
        assertThat(byId.get("rd-1").get(1).amount).isEqualTo("12500.00");
        assertThat(byId.get("rd-1").get(1).reasons[0].evidence.firstDeliveredAt).isEqualTo(Fixtures.BASE.toString());
        assertThat(byId.get("rd-2")).extracting(RedeliveryAndFloodITCase::describe)
                .containsExactlyInAnyOrder("PASS []", "HOLD [CHANGED_REDELIVERY]");

        Decision resub = byId.get("fl-resub").get(0);
        assertThat(codes(resub)).contains(ReasonCode.DUPLICATE_SUSPECT, ReasonCode.CANDIDATE_CAP);
        // the strongest match first: the early original (NUMBER_AFFIX), not evicted by the flood; the flood's
        // own invoices of that amount and date follow (SAME_AMOUNT_AND_DATE)
        assertThat(resub.matchedInvoiceIds[0]).as("the early original, not evicted by the flood").isEqualTo("fl-orig");
        assertThat(resub.decision).isEqualTo(DecisionType.HOLD);
        Reason cap = Arrays.stream(resub.reasons).filter(x -> x.code == ReasonCode.CANDIDATE_CAP).findFirst().orElseThrow();
        assertThat(cap.evidence.candidatesCompared).isEqualTo(10);
        assertThat(cap.evidence.comparisonCap).isEqualTo(10);
        assertThat(cap.evidence.candidatesTotal).isEqualTo(40);
        // every flooded lookup past the cap is at least REVIEW and says why
        for (int i = 10; i < FLOOD; i++) {
            Decision d = byId.get("fl-" + i).get(0);
            assertThat(codes(d)).as("fl-%d", i).contains(ReasonCode.CANDIDATE_CAP);
            assertThat(d.decision).as("fl-%d", i).isNotEqualTo(DecisionType.PASS);
        }
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(x -> x.code).toList();
    }

    private static String describe(Decision d) {
        return d.decision + " " + codes(d);
    }
}
