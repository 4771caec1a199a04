package io.invoicesieve.functions;

import io.invoicesieve.decide.Decider;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.VendorProfile;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.KeyedHarnesses;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.function.SerializableFunction;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cleanup timers at the end of event time. When a bounded input ends, or a job is stopped with
 * {@code stop-with-savepoint --drain}, Flink advances the watermark to {@code Long.MAX_VALUE} and
 * fires every event-time timer; {@code InternalTimerServiceImpl.advanceWatermark} sets the
 * watermark before firing, so {@code currentWatermark()} in {@code onTimer} is {@code Long.MAX_VALUE}
 * (what the harness's {@code processWatermark} runs too). Those firings must purge nothing (the history
 * goes into the drained savepoint, or is discarded with the bounded run) and must not re-arm; the key's
 * next invoice after a restore arms a new timer, whose firing purges as usual. A normal watermark past
 * every expiry still purges everything. Heap and RocksDB: on RocksDB a purge that forgot an
 * {@code update} after changing a value in place would not show on heap.
 */
class EndOfEventTimeTest {

    private static final long T0 = Fixtures.BASE.toEpochMilli();
    private static final String ACCOUNT = "DE89370400440532013000";

    @TempDir
    Path tmp;

    private <I> KeyedOneInputStreamOperatorTestHarness<String, I, Decision> harness(
            String backend, KeyedProcessFunction<String, I, Decision> function,
            SerializableFunction<I, String> key, OperatorSubtaskState restoreFrom) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, I, Decision> h = KeyedHarnesses.create(backend, function, key, tmp);
        if (restoreFrom != null) {
            h.initializeState(restoreFrom);
        }
        h.open();
        return h;
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> scorer(
            String backend, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(backend, new InvoiceScorer(Fixtures.settings()), InvoiceScorer::key, restoreFrom);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> accounts(
            String backend, OperatorSubtaskState restoreFrom) throws Exception {
        return harness(backend, new AccountSharing(Fixtures.settings()), AccountSharing::key, restoreFrom);
    }

    private static final String[] SCORER_STATES = {
        Descriptors.invoiceDeliveries().getName(), Descriptors.duplicateIndex().getName(), Descriptors.vendorProfile().getName()};
    private static final String[] ACCOUNT_STATES = {
        Descriptors.accountProfile().getName(), Descriptors.accountInvoices().getName()};

    /**
     * How many of the given states hold something for some key, summed over the keys (the harness's
     * own numKeyedStateEntries() works on heap only).
     */
    @SuppressWarnings("unchecked")
    private static long entries(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String... states) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        long n = 0;
        for (String state : states) {
            try (Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
                n += keys.count();
            }
        }
        return n;
    }

    private static long scorerEntries(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) throws Exception {
        return entries(h, SCORER_STATES);
    }

    private static long accountEntries(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h) throws Exception {
        return entries(h, ACCOUNT_STATES);
    }

    private static List<ReasonCode> codes(Decision d) {
        return Arrays.stream(d.reasons).map(r -> r.code).toList();
    }

    private static Decision last(KeyedOneInputStreamOperatorTestHarness<String, ?, Decision> h) {
        List<Decision> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    // ------------------------------------------------------------------ the scorer (VendorHistory)

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theFinalWatermarkKeepsTheVendorsHistoryForTheNextRun(String backend) throws Exception {
        Invoice original = invoice("a-1").number("INV-0042").account(ACCOUNT).build();
        OperatorSubtaskState drained;
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = scorer(backend, null)) {
            h.processElement(original, T0);
            // three invoices on the account: enough history (sieve.bank.min-history) for a BANK_CHANGE
            for (int i = 1; i <= 2; i++) {
                Invoice more = invoice("m-" + i).number("M-" + (17 * i)).amount((900 + i) + ".00").account(ACCOUNT).day(i).build();
                h.processElement(more, more.eventTimeMillis());
            }
            long entries = scorerEntries(h);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.processWatermark(Long.MAX_VALUE);

            assertThat(h.numEventTimeTimers()).as("the timer fired and was not re-armed").isZero();
            assertThat(entries).isEqualTo(3);
            assertThat(scorerEntries(h)).as("every state is kept").isEqualTo(entries);
            assertThat(CleanupTimersTest.profile(h, InvoiceScorer.key(original)).cleanupTimer)
                    .as("only the profile's timer is gone").isEqualTo(VendorProfile.NO_TIMER);
            drained = h.snapshot(1L, 1L);
        }

        // the next version starts from the drained savepoint: the vendor's history is there
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = scorer(backend, drained)) {
            h.processElement(original, T0); // re-delivery: the replay filter still knows the id
            assertThat(h.extractOutputValues()).as("a re-delivery has no decision").isEmpty();

            LocalDate date = original.invoiceDate;
            Invoice resubmitted = invoice("a-2").number("INV-0042").account(ACCOUNT).day(3).invoiceDate(date).build();
            h.processElement(resubmitted, resubmitted.eventTimeMillis());
            Decision d = Decider.decide(last(h), Fixtures.settings().thresholds);
            assertThat(codes(d)).as("duplicate-index survived").containsExactly(ReasonCode.DUPLICATE_EXACT);
            assertThat(d.matchedInvoiceIds).containsExactly("a-1");

            Invoice newAccount = invoice("a-3").number("INV-0043").account("NL91ABNA0417164300").day(4).build();
            h.processElement(newAccount, newAccount.eventTimeMillis());
            assertThat(codes(last(h))).as("vendor-accounts survived").contains(ReasonCode.BANK_CHANGE);

            // the key's invoices armed a new timer, and normal expiry still empties the key
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + 1000 * DAY);
            assertThat(scorerEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aNormalWatermarkPastEveryExpiryStillPurgesTheVendor(String backend) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = scorer(backend, null)) {
            h.processElement(invoice("a-1").number("INV-1").account(ACCOUNT).build(), T0);
            h.processElement(invoice("a-2").number("INV-2").account(ACCOUNT).day(10).build(), T0 + 10 * DAY);
            assertThat(scorerEntries(h)).isPositive();

            // 800 days: past the lookback, the replay retention, the amount window and the bank retention
            h.processWatermark(T0 + 800 * DAY);

            assertThat(scorerEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // and after that, the final watermark has nothing left to fire
            h.processWatermark(Long.MAX_VALUE);
            assertThat(scorerEntries(h)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theFinalWatermarkAfterAPartialPurgeKeepsWhatWasNotYetDue(String backend) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = scorer(backend, null)) {
            Invoice original = invoice("a-1").number("INV-0042").build();
            h.processElement(original, T0);
            // past the lookback (120 d): the duplicate index is purged, the replay id (180 d) is not
            h.processWatermark(T0 + 130 * DAY);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            long entries = scorerEntries(h);
            assertThat(entries).as("invoice-deliveries, vendor-profile").isEqualTo(2);
            assertThat(CleanupTimersTest.profile(h, InvoiceScorer.key(original)).cleanupTimer).isNotEqualTo(VendorProfile.NO_TIMER);

            h.processWatermark(Long.MAX_VALUE);

            assertThat(scorerEntries(h)).isEqualTo(entries);
            assertThat(CleanupTimersTest.profile(h, InvoiceScorer.key(original)).cleanupTimer)
                    .as("only the profile's timer is gone").isEqualTo(VendorProfile.NO_TIMER);
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    // ------------------------------------------------------------- the account stage (AccountState)

    @SuppressWarnings("unchecked")
    private static AccountProfile accountProfile(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h,
            Decision d) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(AccountSharing.key(d));
        return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE,
                Descriptors.accountProfile()).value();
    }

    private static Decision decision(String id, String vendor, String number, double day) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = vendor;
        d.invoiceNumber = number;
        d.amount = "1250.00";
        d.currency = "EUR";
        d.invoiceDate = LocalDate.ofInstant(Fixtures.BASE, java.time.ZoneOffset.UTC);
        d.remitAccountKey = ACCOUNT;
        d.eventTime = Instant.ofEpochMilli(T0 + (long) (day * DAY));
        d.reasons = new Reason[0];
        return d;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theFinalWatermarkKeepsTheAccountsVendorsAndInvoicesForTheNextRun(String backend) throws Exception {
        OperatorSubtaskState drained;
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = accounts(backend, null)) {
            Decision first = decision("a-1", "V-1", "INV-0042", 0);
            h.processElement(first, T0);
            long entries = accountEntries(h);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            assertThat(accountProfile(h, first).cleanupTimer).isNotEqualTo(AccountProfile.NO_TIMER);

            h.processWatermark(Long.MAX_VALUE);

            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(entries).as("account-profile, account-invoices").isEqualTo(2);
            assertThat(accountEntries(h)).isEqualTo(entries);
            assertThat(accountProfile(h, first).cleanupTimer).as("only the profile's timer is gone")
                    .isEqualTo(AccountProfile.NO_TIMER);
            assertThat(accountProfile(h, first).vendors).extracting(v -> v.id).containsExactly("V-1");
            drained = h.snapshot(1L, 1L);
        }

        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = accounts(backend, drained)) {
            h.processElement(decision("b-1", "V-2", "INV-0042", 2), T0 + 2 * DAY);
            Decision d = last(h);
            assertThat(codes(d)).as("account-vendors and account-invoices survived")
                    .contains(ReasonCode.BANK_SHARED, ReasonCode.DUPLICATE_EXACT);
            assertThat(d.matchedInvoiceIds).containsExactly("a-1");

            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + 1000 * DAY);
            assertThat(accountEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aNormalWatermarkPastEveryExpiryStillPurgesTheAccount(String backend) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = accounts(backend, null)) {
            h.processElement(decision("a-1", "V-1", "INV-1", 0), T0);
            h.processElement(decision("b-1", "V-2", "INV-2", 10), T0 + 10 * DAY);
            assertThat(accountEntries(h)).isPositive();

            h.processWatermark(T0 + 800 * DAY); // past the lookback (120 d) and the bank retention (730 d)

            assertThat(accountEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
