package io.invoicesieve.functions;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.KeyedHarnesses;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.invoicesieve.testing.Fixtures.DAY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order-hold of the account-keyed stage ({@code sieve.duplicates.cross-vendor.order-hold}): in a
 * replay the later entry of a vendor-master duplicate can reach the stage before the original,
 * from a scorer subtask that runs ahead; the stage then holds the account's decisions until the
 * watermark passes them and flags the later entry, naming the original. Without the hold (the
 * previous behaviour, order-hold 0) the original is flagged, naming the copy.
 */
class OrderHoldTest {

    private static final long T0 = Fixtures.BASE.toEpochMilli();
    private static final String ACCOUNT = "DE89370400440532013000";
    /** Processing time of a replay: the invoices' event times are months behind the clock. */
    private static final long REPLAY_CLOCK = T0 + 60 * DAY;

    @TempDir
    Path tmp;

    private static Decision decision(String id, String vendor, String number, double day) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = vendor;
        d.remitAccountKey = ACCOUNT;
        d.eventTime = Instant.ofEpochMilli(T0 + (long) (day * DAY));
        d.reasons = new Reason[0];
        d.invoiceNumber = number;
        d.amount = "4120.00";
        d.currency = "EUR";
        d.invoiceDate = LocalDate.of(2026, 3, 2);
        d.decision = DecisionType.PASS;
        return d;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> harness(
            String backend, Map<String, String> settings, boolean bounded, OperatorSubtaskState restoreFrom)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = KeyedHarnesses.create(
                backend, new AccountSharing(Fixtures.settings(settings), bounded), AccountSharing::key, tmp);
        h.setProcessingTime(REPLAY_CLOCK);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h, Decision d)
            throws Exception {
        h.processElement(d, d.eventTime.toEpochMilli());
    }

    /** V-1 has used the account since day 0; V-2 is the same supplier created again. */
    private static void history(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h) throws Exception {
        send(h, decision("v1-old", "V-1", "R-1001", 0));
        send(h, decision("v2-first", "V-2", "R-2001", 1));
        h.processWatermark(T0 + 2 * DAY);
    }

    private static Decision byId(List<Decision> out, String id) {
        return out.stream().filter(d -> d.invoiceId.equals(id)).findFirst().orElseThrow();
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theCopyThatArrivesFirstWaitsAndTheLaterEntryIsFlagged(String backend) throws Exception {
        try (var h = harness(backend, Map.of(), true, null)) {
            history(h);
            int before = h.extractOutputValues().size();
            // the copy under V-2 (day 12) arrives before the original under V-1 (day 10)
            send(h, decision("copy", "V-2", "INV-77", 12));
            send(h, decision("original", "V-1", "INV-77", 10));
            assertThat(h.extractOutputValues()).as("both wait for the watermark").hasSize(before);

            h.processWatermark(T0 + 11 * DAY);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.invoiceId).endsWith("original");
            assertThat(codes(byId(out, "original"))).doesNotContain(ReasonCode.DUPLICATE_EXACT, ReasonCode.DUPLICATE_SUSPECT);

            h.processWatermark(T0 + 12 * DAY);
            out = h.extractOutputValues();
            Decision copy = byId(out, "copy");
            assertThat(out).extracting(d -> d.invoiceId).endsWith("original", "copy");
            assertThat(codes(copy)).contains(ReasonCode.DUPLICATE_EXACT);
            Reason dup = Arrays.stream(copy.reasons).filter(r -> r.code == ReasonCode.DUPLICATE_EXACT).findFirst().orElseThrow();
            assertThat(dup.evidence.matchKind).isEqualTo("CROSS_VENDOR");
            assertThat(dup.evidence.matchedInvoiceIds).containsExactly("original");
            assertThat(dup.evidence.otherVendorIds).containsExactly("V-1");
            assertThat(out).as("each decision once").extracting(d -> d.invoiceId).doesNotHaveDuplicates();
        }
    }

    @Test
    void withoutTheHoldTheOriginalIsFlagged() throws Exception {
        try (var h = harness("hashmap", Map.of("sieve.duplicates.cross-vendor.order-hold", "0 s"), true, null)) {
            history(h);
            send(h, decision("copy", "V-2", "INV-77", 12));
            send(h, decision("original", "V-1", "INV-77", 10));
            List<Decision> out = h.extractOutputValues();
            assertThat(codes(byId(out, "copy"))).doesNotContain(ReasonCode.DUPLICATE_EXACT);
            assertThat(codes(byId(out, "original"))).contains(ReasonCode.DUPLICATE_EXACT);
        }
    }

    @Test
    void liveDecisionsAndAccountsOfOneVendorAreNeverHeld() throws Exception {
        try (var h = harness("hashmap", Map.of(), false, null)) {
            history(h);
            int before = h.extractOutputValues().size();
            int timers = h.numProcessingTimeTimers();
            // live: the event time is a minute behind the clock
            Decision live = decision("live", "V-2", "INV-78", 12);
            live.eventTime = Instant.ofEpochMilli(REPLAY_CLOCK - 60_000);
            send(h, live);
            assertThat(h.extractOutputValues()).hasSize(before + 1);

            // a replayed invoice of an account only its vendor uses
            Decision alone = decision("alone", "V-9", "INV-79", 13);
            alone.remitAccountKey = "NL91ABNA0417164300";
            send(h, alone);
            assertThat(h.extractOutputValues()).hasSize(before + 2);
            assertThat(h.numProcessingTimeTimers()).as("no hold armed").isEqualTo(timers);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aStalledWatermarkReleasesTheAccountAfterTheHoldInEventTimeOrder(String backend) throws Exception {
        try (var h = harness(backend, Map.of("sieve.duplicates.cross-vendor.order-hold", "10 min"), false, null)) {
            history(h);
            int before = h.extractOutputValues().size();
            send(h, decision("copy", "V-2", "INV-77", 12));
            send(h, decision("original", "V-1", "INV-77", 10));
            assertThat(h.numProcessingTimeTimers()).isEqualTo(1);

            h.setProcessingTime(REPLAY_CLOCK + 9 * 60_000);
            assertThat(h.extractOutputValues()).hasSize(before);
            h.setProcessingTime(REPLAY_CLOCK + 11 * 60_000);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.invoiceId).endsWith("original", "copy");
            assertThat(codes(byId(out, "copy"))).contains(ReasonCode.DUPLICATE_EXACT);

            // their event-time timers are gone with them; the watermark later releases nothing twice
            h.processWatermark(T0 + 20 * DAY);
            assertThat(h.extractOutputValues()).extracting(d -> d.invoiceId).doesNotHaveDuplicates()
                    .hasSize(before + 2);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void heldDecisionsSurviveASavepointAndGoOutOnce(String backend) throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(backend, Map.of(), false, null)) {
            history(h);
            send(h, decision("copy", "V-2", "INV-77", 12));
            send(h, decision("original", "V-1", "INV-77", 10));
            snapshot = h.snapshot(1L, 1L);
        }
        try (var h = harness(backend, Map.of(), false, snapshot)) {
            h.processWatermark(T0 + 13 * DAY);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.invoiceId).containsExactly("original", "copy");
            assertThat(codes(out.get(1))).contains(ReasonCode.DUPLICATE_EXACT);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theEndOfABoundedInputReleasesEverythingAndKeepsTheAccountsHistory(String backend) throws Exception {
        OperatorSubtaskState drained;
        try (var h = harness(backend, Map.of(), true, null)) {
            history(h);
            send(h, decision("copy", "V-2", "INV-77", 12));
            send(h, decision("original", "V-1", "INV-77", 10));
            h.processWatermark(Long.MAX_VALUE);
            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.invoiceId).endsWith("original", "copy");
            assertThat(codes(byId(out, "copy"))).contains(ReasonCode.DUPLICATE_EXACT);
            assertThat(h.numEventTimeTimers()).isZero();
            drained = h.snapshot(1L, 1L);
        }
        // the released invoices were indexed: a third entry after the drain still meets them
        try (var h = harness(backend, Map.of(), true, drained)) {
            Decision third0 = decision("third", "V-3", "INV-77", 14);
            third0.eventTime = Instant.ofEpochMilli(REPLAY_CLOCK - 60_000); // live: not held
            send(h, third0);
            Decision third = h.extractOutputValues().get(0);
            assertThat(codes(third)).contains(ReasonCode.DUPLICATE_EXACT, ReasonCode.BANK_SHARED);
        }
    }
}
