package io.invoicesieve.job;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.CollectingSink;
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
 * An upgrade through {@code stop-with-savepoint --drain}: draining advances the watermark to
 * {@code Long.MAX_VALUE}, which fires every cleanup timer before the savepoint is taken. Those
 * firings purge nothing, so the next run, started from the drained savepoint, still knows run 1's
 * invoices (a resubmission is a DUPLICATE_EXACT naming the original, a re-delivery is suppressed),
 * the vendor's account (a new one is a BANK_CHANGE) and the account's vendors (another vendor on it
 * is BANK_SHARED). The documented upgrade path stops without draining (RescaleUpgradeITCase).
 */
class DrainedSavepointITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(1)
                            .build());

    private static final String ACCOUNT = "DE44500105175407324931";

    @Test
    void historySurvivesADrainedStop(@TempDir Path tmp) throws Exception {
        LocalDate originalDate = invoice("x").day(5).build().invoiceDate;
        List<Invoice> run1 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            run1.add(invoice("d1-" + i).vendor("V-D1").number("D1-" + (i * 13 + 2)).amount((500 + 10 * i) + ".00")
                    .account(ACCOUNT).day(i * 2).build());
        }
        Invoice original = invoice("d1-orig").vendor("V-D1").number("DUP-D1").amount("700.00").account(ACCOUNT).day(5).build();
        run1.add(original);

        // run 2 builds no history of its own before each check: the other vendor comes first, the
        // re-delivery last
        List<Invoice> run2 = new ArrayList<>();
        run2.add(invoice("d2-other-vendor").vendor("V-D2").number("X-7").amount("80.00").account(ACCOUNT).day(19).build());
        run2.add(invoice("d2-resub").vendor("V-D1").number("DUP-D1").amount("700.00").day(20)
                .invoiceDate(originalDate).build());
        run2.add(invoice("d2-new-account").vendor("V-D1").number("D1-99").amount("520.00")
                .account("FR7630006000011234567890189").day(21).build());
        run2.add(original); // re-delivery: no second decision

        InvoiceJson.write(tmp.resolve("in1").resolve("invoices.jsonl"), run1);
        JobClient job1 = SieveJobs.start(SieveJobs.flinkConfig("hashmap", null), Map.of(), 1, tmp.resolve("in1"), "drain-1");
        SieveJobs.await(job1, "drain-1", run1.size());
        String drained = SieveJobs.drainWithSavepoint(job1, tmp.resolve("sp1"));
        assertThat(CollectingSink.get("drain-1")).as("decisions of run 1 after the drain").hasSize(run1.size());

        InvoiceJson.write(tmp.resolve("in2").resolve("invoices.jsonl"), run2);
        JobClient job2 = SieveJobs.start(SieveJobs.flinkConfig("rocksdb", drained), Map.of(), 1, tmp.resolve("in2"), "drain-2");
        List<Decision> d2;
        try {
            d2 = SieveJobs.await(job2, "drain-2", 3);
        } finally {
            SieveJobs.cancel(job2);
        }
        Map<String, Decision> byId = d2.stream().collect(Collectors.toMap(d -> d.invoiceId, Function.identity()));
        assertThat(byId).as("the re-delivery of run 1's invoice was suppressed")
                .containsOnlyKeys("d2-resub", "d2-new-account", "d2-other-vendor");
        assertThat(codes(byId.get("d2-resub"))).as("duplicate-index survived the drain").contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(byId.get("d2-resub").matchedInvoiceIds).containsExactly("d1-orig");
        assertThat(codes(byId.get("d2-new-account"))).as("vendor-accounts survived the drain").contains(ReasonCode.BANK_CHANGE);
        assertThat(codes(byId.get("d2-other-vendor"))).as("account-vendors survived the drain").contains(ReasonCode.BANK_SHARED);
    }
}
