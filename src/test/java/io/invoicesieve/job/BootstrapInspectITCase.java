package io.invoicesieve.job;

import io.invoicesieve.cli.InspectCommand;
import io.invoicesieve.cli.BootstrapCommand;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.Uids;
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
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.invoicesieve.job.SavepointRestoreITCase.codes;
import static io.invoicesieve.job.SavepointRestoreITCase.reason;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm start: bootstrap a savepoint from a historical JSON-lines export (out of event-time order,
 * with a re-delivery and malformed lines), inspect it, start the job from it and show that the
 * very first event, a resubmission of a historical invoice, is caught as its duplicate.
 */
class BootstrapInspectITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final String KNOWN_ACCOUNT = "DE44500105175407324931";

    @Test
    void bootstrappedStateCatchesTheFirstResubmission(@TempDir Path tmp) throws Exception {
        Invoice original = invoice("h-orig").vendor("V-H1").number("HIST-42").amount("980.00")
                .account("DE89370400440532013000").day(3).build();
        LocalDate originalDate = original.invoiceDate;
        List<Invoice> history = new ArrayList<>();
        history.add(original);
        for (int i = 0; i < 9; i++) {
            history.add(invoice("h-amt-" + i).vendor("V-H2").number("A-" + (i * 19 + 5))
                    .amount(i % 2 == 0 ? "1000.00" : "1080.00").account("DE02120300000000202051").day(i * 4).build());
        }
        for (int i = 0; i < 4; i++) {
            history.add(invoice("h-bank-" + i).vendor("V-H3").number("B-" + (i * 23 + 1))
                    .amount((600 + 20 * i) + ".00").account(KNOWN_ACCOUNT).day(2 + i * 9).build());
        }
        // 200 days before the rest: past the duplicate lookback (120 d) and the replay retention
        // (180 d) by the time the vendor's next invoice comes, inside the amount window (365 d)
        history.add(invoice("h-old").vendor("V-H2").number("A-OLD").amount("1040.00")
                .account("DE02120300000000202051").day(-200).build());
        history.add(invoice("h-other").tenant("globex").vendor("V-H4").number("G-1").amount("55.00")
                .account(null).day(7).build());
        history.add(original); // a re-delivery in the export
        Collections.reverse(history); // exports are not in event-time order; the bootstrap sorts per key
        InvoiceJson.write(tmp.resolve("export.jsonl"), history,
                "", "not json", "{\"tenant_id\":\"acme\",\"invoice_id\":\"broken\"}");

        String savepoint = tmp.resolve("bootstrap-savepoint").toString();
        BootstrapCommand.Result result =
                BootstrapCommand.bootstrap(SieveConfig.defaults(), tmp.resolve("export.jsonl").toString(), savepoint, "hashmap", 2);
        assertThat(result.invoices).isEqualTo(17);
        assertThat(result.distinctInvoices).isEqualTo(16);
        assertThat(result.malformed).as("blank lines are skipped, malformed ones counted").isEqualTo(2);
        assertThat(result.malformedSamples).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("file:line "));
        assertThat(result.maxParallelism).isEqualTo(InvoiceSievePipeline.DEFAULT_MAX_PARALLELISM);

        Map<String, InspectCommand.StateStats> stats = InspectCommand.inspect(savepoint, "hashmap");
        InspectCommand.StateStats sharing = stats.get(Uids.ACCOUNT_SHARING);
        InspectCommand.StateStats scorer = stats.get(Uids.INVOICE_SCORER);
        // the cleanup timers the job's watermark would have fired were fired during the bootstrap:
        // h-old is forgotten by the replay ids and the duplicate index, kept in the amount history
        assertThat(scorer.replayIds).as("invoice ids remembered against re-deliveries").isEqualTo(15);
        assertThat(sharing.accountKeys).as("(tenant, account) pairs; h-other has no account").isEqualTo(3);
        assertThat(sharing.accountEntries).isEqualTo(3);
        assertThat(sharing.eventTimers).isEqualTo(3);
        assertThat(scorer.vendors).isEqualTo(4);
        assertThat(scorer.indexedInvoices).isEqualTo(15);
        assertThat(scorer.indexEntries).as("each invoice under its number and its amount key").isEqualTo(30);
        assertThat(scorer.amountSamples).isEqualTo(16);
        assertThat(scorer.accountEntries).as("vendor accounts; V-H4 has none").isEqualTo(3);
        assertThat(scorer.eventTimers).as("one cleanup timer per vendor").isEqualTo(4);
        assertThat(scorer.bytesInvoiceIds).as("nothing in the 0.1.0 invoice-ids").isZero();
        assertThat(scorer.digests).as("a content digest for every remembered id").isEqualTo(scorer.replayIds);
        assertThat(scorer.legacyIds).as("a bootstrap writes the 0.2.0 layout").isZero();
        assertThat(scorer.bytesInvoiceDeliveries).isPositive();
        assertThat(sharing.accountInvoices).as("invoices indexed for the cross-vendor match").isPositive();
        assertThat(sharing.bytesAccountInvoices).isPositive();
        assertThat(sharing.heldDecisions).as("a bootstrap holds no decisions").isZero();
        assertThat(scorer.bytesDuplicateIndex).isGreaterThan(scorer.bytesAmountHistory / 10).isPositive();
        String printed = InspectCommand.format(savepoint, stats);
        assertThat(printed).contains("vendors 4, accounts 3, invoices indexed 15, replay ids 15, amount samples 16")
                .contains("invoice-deliveries", "account-invoices", "held-decisions")
                .contains("per vendor: " + (scorer.bytes() + sharing.bytes()) / 4 + " bytes");

        // the job starts from the bootstrapped savepoint (RocksDB this time: canonical state restores into either)
        List<Invoice> live = new ArrayList<>();
        live.add(invoice("h-orig-resubmitted").vendor("V-H1").number("HIST-42").amount("980.00")
                .account("DE89370400440532013000").day(60).invoiceDate(originalDate).build());
        live.add(original); // re-delivery of a historical invoice: no decision
        live.add(invoice("live-amt-outlier").vendor("V-H2").number("A-OUT").amount("52000.00")
                .account("DE02120300000000202051").day(61).build());
        live.add(invoice("live-bank-known").vendor("V-H3").number("B-900").amount("640.00").account(KNOWN_ACCOUNT).day(62).build());
        live.add(invoice("live-bank-new").vendor("V-H3").number("B-901").amount("650.00").account("NL91ABNA0417164300").day(63).build());
        InvoiceJson.write(tmp.resolve("live").resolve("invoices.jsonl"), live);
        JobClient job = SieveJobs.start(SieveJobs.flinkConfig("rocksdb", Path.of(savepoint).toUri().toString()),
                Map.of(), 2, tmp.resolve("live"), "bootstrap-restore");
        List<Decision> decisions;
        try {
            decisions = SieveJobs.await(job, "bootstrap-restore", 4);
        } finally {
            SieveJobs.cancel(job);
        }
        Map<String, Decision> byId = decisions.stream().collect(Collectors.toMap(d -> d.invoiceId, Function.identity()));
        assertThat(byId).doesNotContainKey("h-orig");
        Decision first = byId.get("h-orig-resubmitted");
        assertThat(codes(first)).contains(ReasonCode.DUPLICATE_EXACT);
        assertThat(first.matchedInvoiceIds).containsExactly("h-orig");
        assertThat(reason(byId.get("live-amt-outlier"), ReasonCode.AMOUNT_ANOMALY).evidence.historySize).isEqualTo(10);
        assertThat(codes(byId.get("live-bank-known"))).doesNotContain(ReasonCode.BANK_CHANGE);
        assertThat(codes(byId.get("live-bank-new"))).contains(ReasonCode.BANK_CHANGE);
    }
}
