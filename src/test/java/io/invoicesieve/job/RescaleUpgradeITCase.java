package io.invoicesieve.job;

import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
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
 * BANK_CHANGE, and every invoice gets exactly one decision over all runs.
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
        run1.add(invoice("r1-end").vendor("V-R7").number("E-1").amount("10.00").day(35).build());

        List<Invoice> run2 = new ArrayList<>();
        run2.add(invoice("r1-orig-resub").vendor("V-R9").number("DUP-R1").amount("700.00").day(40).invoiceDate(r1Date).build());
        run2.add(r1Original); // re-delivery
        run2.add(invoice("r2-v1-known").vendor("V-R1").number("R1-99").amount("540.00").account(ACCOUNT_1).day(41).build());
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
        run3.add(invoice("r3-end").vendor("V-R7").number("E-3").amount("12.00").day(65).build());

        // run 1: parallelism 1, defaults, hashmap
        InvoiceJson.write(tmp.resolve("in1").resolve("invoices.jsonl"), run1);
        JobClient job1 = SieveJobs.start(SieveJobs.flinkConfig("hashmap", null), Map.of(), 1, tmp.resolve("in1"), "rescale-1");
        List<Decision> d1 = SieveJobs.await(job1, "rescale-1", 6);
        String sp1 = SieveJobs.stopWithSavepoint(job1, tmp.resolve("sp1"));

        // run 2: parallelism 2, a changed setting, RocksDB
        InvoiceJson.write(tmp.resolve("in2").resolve("invoices.jsonl"), run2);
        JobClient job2 = SieveJobs.start(SieveJobs.flinkConfig("rocksdb", sp1),
                Map.of(SieveOptions.REVIEW_THRESHOLD.key(), "0.45"), 2, tmp.resolve("in2"), "rescale-2");
        List<Decision> d2 = SieveJobs.await(job2, "rescale-2", 7);
        String sp2 = SieveJobs.stopWithSavepoint(job2, tmp.resolve("sp2"));

        // run 3: back to parallelism 1
        InvoiceJson.write(tmp.resolve("in3").resolve("invoices.jsonl"), run3);
        JobClient job3 = SieveJobs.start(SieveJobs.flinkConfig("hashmap", sp2), Map.of(), 1, tmp.resolve("in3"), "rescale-3");
        List<Decision> d3;
        try {
            d3 = SieveJobs.await(job3, "rescale-3", 6);
        } finally {
            SieveJobs.cancel(job3);
        }

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
    }
}
