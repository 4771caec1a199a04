package io.invoicesieve.job;

import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.functions.InvoiceScorer;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.testing.CollectingSink;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.InvoiceJson;
import io.invoicesieve.testing.SieveJobs;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.invoicesieve.job.SavepointRestoreITCase.codes;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An upgrade path: the job at parallelism 1 is stopped with a savepoint, started from it at
 * parallelism 2 with a changed setting (and another state backend), stopped again and started at
 * parallelism 1. Detection continues across the runs as if the job had never stopped: duplicates of
 * invoices from each earlier run are caught, their re-deliveries suppressed, known accounts are no
 * BANK_CHANGE while a new one is (so the accounts were restored, not lost), the changed setting
 * decides run 2 only, the restored keys are split over both subtasks of run 2, and every invoice gets
 * exactly one decision over all runs (counted again once each run has stopped).
 */
class RescaleUpgradeITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String ACCOUNT_1 = "DE44500105175407324931";
    private static final String ACCOUNT_2 = "DE12500105170648489890";
    private static final String ACCOUNT_LC = "NL02ABNA0123456789";

    @Test
    void detectionContinuesAcrossRescaledUpgrades(@TempDir Path tmp) throws Exception {
        LocalDate r1Date = invoice("x").day(5).build().invoiceDate;
        LocalDate r2Date = invoice("x").day(45).build().invoiceDate;

        List<Invoice> run1 = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            run1.add(invoice("r1-v1-" + i).vendor("V-R1").number("R1-" + (i * 13 + 2)).amount((500 + 10 * i) + ".00")
                    .account(ACCOUNT_1).day(i * 8).build());
        }
        Invoice r1Original = invoice("r1-orig").vendor("V-R9").number("DUP-R1").amount("700.00").day(5).build();
        run1.add(r1Original);
        run1.add(invoice("r1-lc").vendor("V-LC").number("LC-1").amount("90.00").account(ACCOUNT_LC).confidence(0.3).day(30).build());
        run1.add(invoice("r1-end").vendor("V-R7").number("E-1").amount("10.00").day(35).build());

        List<Invoice> run2 = new ArrayList<>();
        run2.add(invoice("r1-orig-resub").vendor("V-R9").number("DUP-R1").amount("700.00").day(40).invoiceDate(r1Date).build());
        run2.add(r1Original); // re-delivery
        run2.add(invoice("r2-v1-known").vendor("V-R1").number("R1-99").amount("540.00").account(ACCOUNT_1).day(41).build());
        // a new account for V-R1 is a BANK_CHANGE only if its four invoices of run 1 were restored
        run2.add(invoice("r2-v1-new").vendor("V-R1").number("R1-100").amount("530.00").account("FR7630006000011234567890189").day(41.5).build());
        run2.add(invoice("r2-lc").vendor("V-LC").number("LC-2").amount("91.00").account(ACCOUNT_LC).confidence(0.3).day(41.7).build());
        run2.add(invoice("r2-orig").vendor("V-R8").number("DUP-R2").amount("650.00").day(45).build());
        for (int i = 0; i < 3; i++) {
            run2.add(invoice("r2-v2-" + i).vendor("V-R2").number("R2-" + (i * 17 + 3)).amount((300 + 5 * i) + ".00")
                    .account(ACCOUNT_2).day(42 + i).build());
        }
        run2.add(invoice("r2-end").vendor("V-R7").number("E-2").amount("11.00").day(50).build());

        List<Invoice> run3 = new ArrayList<>();
        run3.add(invoice("r2-orig-resub").vendor("V-R8").number("DUP-R2").amount("650.00").day(55).invoiceDate(r2Date).build());
        run3.add(invoice("r1-orig-resub2").vendor("V-R9").number("DUP-R1").amount("700.00").day(56).invoiceDate(r1Date).build());
        run3.add(r1Original); // re-delivery of run 1
        run3.add(invoice("r2-orig").vendor("V-R8").number("DUP-R2").amount("650.00").day(45).build()); // of run 2
        run3.add(invoice("r3-v1-known").vendor("V-R1").number("R1-123").amount("520.00").account(ACCOUNT_1).day(57).build());
        run3.add(invoice("r3-v2-known").vendor("V-R2").number("R2-77").amount("305.00").account(ACCOUNT_2).day(58).build());
        run3.add(invoice("r3-v2-new").vendor("V-R2").number("R2-78").amount("310.00").account("NL91ABNA0417164300").day(59).build());
        run3.add(invoice("r3-lc").vendor("V-LC").number("LC-3").amount("92.00").account(ACCOUNT_LC).confidence(0.3).day(64).build());
        run3.add(invoice("r3-end").vendor("V-R7").number("E-3").amount("12.00").day(65).build());

        // run 1: parallelism 1, defaults, hashmap
        InvoiceJson.write(tmp.resolve("in1").resolve("invoices.jsonl"), run1);
        JobClient job1 = SieveJobs.start(SieveJobs.flinkConfig("hashmap", null), Map.of(), 1, tmp.resolve("in1"), "rescale-1");
        List<Decision> d1 = SieveJobs.await(job1, "rescale-1", 7);
        String sp1 = SieveJobs.stopWithSavepoint(job1, tmp.resolve("sp1"));
        // the job has stopped: whatever it decided is in the bucket now, and nothing more was decided
        assertThat(CollectingSink.get("rescale-1")).as("decisions of run 1 after stop").hasSize(7);

        // run 2: parallelism 2, a changed setting, RocksDB. The restored keys really move: the vendors
        // whose run-1 state run 2 reads (V-R1, V-R9) were on the one subtask 0 of run 1 and are on
        // subtask 1 of 2 (their key groups of 128); and run 3 merges state that run 2 kept on both of
        // its subtasks (V-R8 on subtask 0, V-R2 on subtask 1)
        assertThat(subtaskOf("V-R1", 2)).isEqualTo(1);
        assertThat(subtaskOf("V-R9", 2)).isEqualTo(1);
        assertThat(subtaskOf("V-R8", 2)).isZero();
        assertThat(subtaskOf("V-R2", 2)).isEqualTo(1);
        InvoiceJson.write(tmp.resolve("in2").resolve("invoices.jsonl"), run2);
        JobClient job2 = SieveJobs.start(SieveJobs.flinkConfig("rocksdb", sp1),
                Map.of(SieveOptions.REVIEW_THRESHOLD.key(), "0.6"), 2, tmp.resolve("in2"), "rescale-2");
        List<Decision> d2 = SieveJobs.await(job2, "rescale-2", 9);
        String sp2 = SieveJobs.stopWithSavepoint(job2, tmp.resolve("sp2"));
        assertThat(CollectingSink.get("rescale-2")).as("decisions of run 2 after stop").hasSize(9);

        // run 3: back to parallelism 1
        InvoiceJson.write(tmp.resolve("in3").resolve("invoices.jsonl"), run3);
        JobClient job3 = SieveJobs.start(SieveJobs.flinkConfig("hashmap", sp2), Map.of(), 1, tmp.resolve("in3"), "rescale-3");
        List<Decision> d3;
        try {
            d3 = SieveJobs.await(job3, "rescale-3", 7);
        } finally {
            SieveJobs.cancel(job3);
        }
        assertThat(CollectingSink.get("rescale-3")).as("decisions of run 3 after cancel").hasSize(7);

        List<Decision> all = new ArrayList<>(d1);
        all.addAll(d2);
        all.addAll(d3);
        List<String> ids = all.stream().map(d -> d.invoiceId).toList();
        assertThat(ids).as("exactly one decision per invoice across the runs").doesNotHaveDuplicates();
        List<Invoice> sent = new ArrayList<>(run1);
        sent.addAll(run2);
        sent.addAll(run3);
        assertThat(ids).containsExactlyInAnyOrderElementsOf(sent.stream().map(i -> i.invoiceId).distinct().toList());

        Map<String, Decision> byId = all.stream().collect(Collectors.toMap(d -> d.invoiceId, Function.identity()));
        assertThat(codes(byId.get("r1-orig-resub"))).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(byId.get("r1-orig-resub").matchedInvoiceIds).containsExactly("r1-orig");
        assertThat(codes(byId.get("r2-orig-resub"))).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(byId.get("r2-orig-resub").matchedInvoiceIds).containsExactly("r2-orig");
        assertThat(codes(byId.get("r1-orig-resub2"))).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(byId.get("r1-orig-resub2").matchedInvoiceIds).isNotEmpty().isSubsetOf("r1-orig", "r1-orig-resub");

        for (String known : List.of("r2-v1-known", "r3-v1-known", "r3-v2-known")) {
            assertThat(codes(byId.get(known))).as(known).doesNotContain(ReasonCode.BANK_CHANGE);
        }
        assertThat(codes(byId.get("r3-v2-new"))).as("vendor-accounts of run 2 survived the rescale to 1")
                .contains(ReasonCode.BANK_CHANGE);
        assertThat(codes(byId.get("r2-v1-new"))).as("vendor-accounts of run 1 survived the rescale to 2")
                .containsExactly(ReasonCode.BANK_CHANGE);
        assertThat(byId.get("r2-v1-new").reasons[0].evidence.vendorInvoicesWithAccount)
                .as("the four invoices of run 1 and the one of run 2").isEqualTo(5);

        // the changed setting applied to run 2 only: LOW_CONFIDENCE (0.5) is REVIEW under the default
        // threshold 0.5 and PASS under run 2's 0.6; settings are not part of the savepoint
        assertThat(byId.get("r1-lc").riskScore).isEqualTo(0.5);
        assertThat(byId.get("r1-lc").decision).isEqualTo(DecisionType.REVIEW);
        assertThat(byId.get("r2-lc").decision).as("sieve.decision.review-threshold=0.6 in run 2").isEqualTo(DecisionType.PASS);
        assertThat(byId.get("r3-lc").decision).isEqualTo(DecisionType.REVIEW);
    }

    /** The subtask of the invoice scorer that owns the state of vendor {@code vendor} of tenant acme. */
    private static int subtaskOf(String vendor, int parallelism) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(
                InvoiceScorer.key(invoice("x").vendor(vendor).build()), InvoiceSievePipeline.DEFAULT_MAX_PARALLELISM, parallelism);
    }
}
