package io.invoicesieve.functions;

import io.invoicesieve.detect.Money;
import io.invoicesieve.detect.duplicates.DuplicateDetector;
import io.invoicesieve.detect.duplicates.ExpiryIndex;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.AmountHistory;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.SeenInvoice;
import io.invoicesieve.state.VendorProfile;
import io.invoicesieve.testing.Fixtures;
import io.invoicesieve.testing.KeyedHarnesses;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scorer's read-old/write-new path (functions/VendorHistory): a key whose amount history,
 * accounts and cleanup timer are still in the three states of 0.1.0 ({@code amount-history},
 * {@code vendor-accounts}, {@code cleanup-timer}) is scored with them on its first invoice after the
 * restore, which moves them into {@code vendor-profile} and clears the old states; its ids and
 * duplicate-index buckets are indexed by week then, and expire through that index. Heap and RocksDB.
 * The account stage likewise (functions/AccountState): an account's vendors and cleanup timer in
 * 0.1.0's {@code account-vendors} and {@code cleanup-timer} are moved into {@code account-profile}
 * on the account's first decision after the restore, which they decide.
 * (The real 0.1.0 savepoint goes through the same path in SavepointRestoreITCase.)
 */
class LegacyLayoutTest {

    private static final long T0 = Fixtures.BASE.toEpochMilli();
    private static final String ACCOUNT = "DE89370400440532013000";
    private static final String KEY = "acme\u001fV-1";

    @TempDir
    Path tmp;

    /** Writes what 0.1.0's scorer kept for one vendor, through the 0.1.0 descriptors. */
    static final class ZeroOneLayout extends KeyedProcessFunction<String, Invoice, Decision> {
        private static final long serialVersionUID = 1L;
        /** Earlier than the due of the next invoice (day 20 + the 120 d lookback, rounded up to 30 d). */
        static final long TIMER = T0 + 100 * DAY;

        @Override
        public void processElement(Invoice invoice, Context ctx, Collector<Decision> out) throws Exception {
            MapState<String, AmountHistory> amounts = getRuntimeContext().getMapState(Descriptors.amountHistory());
            AmountHistory eur = AmountHistory.withCapacity(64);
            for (int i = 0; i < 10; i++) {
                eur.add(Math.log(1000 + 10 * i), (int) ((T0 + i * DAY) / DAY));
            }
            amounts.put("EUR", eur);
            ValueState<AccountHistory[]> accounts = getRuntimeContext().getState(Descriptors.vendorAccounts());
            accounts.update(new AccountHistory[] {new AccountHistory(ACCOUNT, T0, T0 + 9 * DAY, 10)});
            getRuntimeContext().getState(Descriptors.cleanupTimer()).update(TIMER);
            ctx.timerService().registerEventTimeTimer(TIMER);
            // the seed invoice itself, as 0.1.0 remembered and indexed it (no digest: 0.1.0 had none)
            getRuntimeContext().getMapState(Descriptors.invoiceIds()).put(invoice.invoiceId, invoice.eventTimeMillis());
            SeenInvoice seen = DuplicateDetector.probe(invoice.invoiceId, invoice.invoiceNumber,
                    Money.toMilli(invoice.amount), invoice.currency, (int) invoice.invoiceDate.toEpochDay(),
                    invoice.eventTimeMillis());
            MapState<String, SeenInvoice[]> index = getRuntimeContext().getMapState(Descriptors.duplicateIndex());
            index.put(DuplicateDetector.numberKey(seen.normalizedNumber), new SeenInvoice[] {seen});
            index.put(DuplicateDetector.amountKey(seen.currency, seen.amountMilli), new SeenInvoice[] {seen});
        }
    }

    @SuppressWarnings("unchecked")
    private static long keysOf(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String state) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        try (Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aZeroOneKeyIsScoredWithItsHistoryAndMovedIntoTheProfile(String backend) throws Exception {
        OperatorSubtaskState old;
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                KeyedHarnesses.create(backend, new ZeroOneLayout(), InvoiceScorer::key, tmp)) {
            h.open();
            h.processElement(invoice("seed").vendor("V-1").build(), T0);
            old = h.snapshot(1L, 1L);
        }

        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h =
                KeyedHarnesses.create(backend, new InvoiceScorer(Fixtures.settings()), InvoiceScorer::key, tmp)) {
            h.initializeState(old);
            h.open();
            assertThat(h.numEventTimeTimers()).as("the 0.1.0 timer is restored").isEqualTo(1);

            Invoice outlier = invoice("outlier").vendor("V-1").number("OUT-1").amount("40000.00")
                    .account("NL91ABNA0417164300").day(20).build();
            h.processElement(outlier, outlier.eventTimeMillis());
            Decision d = h.extractOutputValues().get(0);
            List<ReasonCode> codes = Arrays.stream(d.reasons).map(r -> r.code).toList();
            assertThat(codes).as("scored with the 0.1.0 amount history and accounts")
                    .contains(ReasonCode.AMOUNT_ANOMALY, ReasonCode.BANK_CHANGE);
            assertThat(Arrays.stream(d.reasons).filter(r -> r.code == ReasonCode.AMOUNT_ANOMALY).findFirst()
                    .orElseThrow().evidence.historySize).isEqualTo(10);

            assertThat(keysOf(h, Descriptors.amountHistory().getName())).as("old states cleared").isZero();
            assertThat(keysOf(h, Descriptors.vendorAccounts().getName())).isZero();
            assertThat(keysOf(h, Descriptors.cleanupTimer().getName())).isZero();
            assertThat(keysOf(h, Descriptors.invoiceIds().getName())).as("the 0.1.0 id moved").isZero();
            assertThat(keysOf(h, Descriptors.invoiceDeliveries().getName())).isEqualTo(1);
            VendorProfile p = CleanupTimersTest.profile(h, KEY);
            assertThat(p.currencies).containsExactly("EUR");
            assertThat(p.amounts[0].size).as("the ten old samples and the outlier").isEqualTo(11);
            assertThat(p.accounts).extracting(a -> a.id).containsExactly(ACCOUNT, "NL91ABNA0417164300");
            assertThat(p.cleanupTimer).as("the restored timer is known, and kept: it is earlier than the new due")
                    .isEqualTo(ZeroOneLayout.TIMER);
            assertThat(h.numEventTimeTimers()).as("still one timer per key").isEqualTo(1);
            assertThat(p.weeks).as("the seed's week (day 0) is indexed and stored, the outlier's (day 20) open")
                    .containsExactly(ExpiryIndex.week(T0));
            assertThat(p.openWeek).isEqualTo(ExpiryIndex.week(T0 + 20 * DAY));
            assertThat(p.open.ids).containsExactly("outlier");

            // and the profile survives a snapshot: the next invoice still sees eleven samples
            OperatorSubtaskState migrated = h.snapshot(2L, 2L);
            try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> next =
                    KeyedHarnesses.create(backend, new InvoiceScorer(Fixtures.settings()), InvoiceScorer::key, tmp)) {
                next.initializeState(migrated);
                next.open();
                Invoice again = invoice("outlier-2").vendor("V-1").number("OUT-2").amount("45000.00")
                        .account(ACCOUNT).day(21).build();
                next.processElement(again, again.eventTimeMillis());
                Decision d2 = next.extractOutputValues().get(0);
                assertThat(Arrays.stream(d2.reasons).filter(r -> r.code == ReasonCode.AMOUNT_ANOMALY).findFirst()
                        .orElseThrow().evidence.historySize).isEqualTo(11);
                assertThat(Arrays.stream(d2.reasons).map(r -> r.code)).doesNotContain(ReasonCode.BANK_CHANGE);

                // the 0.1.0 id and buckets expire through the index built for them
                next.processWatermark(T0 + 260 * DAY);
                assertThat(keysOf(next, Descriptors.invoiceDeliveries().getName())).as("no id is left").isZero();
                assertThat(keysOf(next, Descriptors.duplicateIndex().getName())).isZero();
                assertThat(keysOf(next, Descriptors.expiryIndex().getName())).isZero();
            }
        }
    }
    /** Writes what 0.1.0's account stage kept for one account (vendor V-1 on it), through the 0.1.0 descriptors. */
    static final class ZeroOneAccountLayout extends KeyedProcessFunction<String, Decision, Decision> {
        private static final long serialVersionUID = 1L;
        /** Earlier than any due of a decision at day 20 (the 120 d lookback, the 730 d retention). */
        static final long TIMER = T0 + 100 * DAY;

        @Override
        public void processElement(Decision d, Context ctx, Collector<Decision> out) throws Exception {
            getRuntimeContext().getState(Descriptors.accountVendors()).update(
                    new AccountHistory[] {new AccountHistory("V-1", T0, T0 + 9 * DAY, 10)});
            getRuntimeContext().getState(Descriptors.cleanupTimer()).update(TIMER);
            ctx.timerService().registerEventTimeTimer(TIMER);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void aZeroOneAccountDecidesItsNextDecisionAndIsMovedIntoTheProfile(String backend) throws Exception {
        Decision seed = AccountSharingTest.decision("seed", "acme", "V-1", ACCOUNT, 9);
        String key = AccountSharing.key(seed);
        OperatorSubtaskState old;
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h =
                KeyedHarnesses.create(backend, new ZeroOneAccountLayout(), AccountSharing::key, tmp)) {
            h.open();
            h.processElement(seed, seed.eventTime.toEpochMilli());
            old = h.snapshot(1L, 1L);
        }

        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h =
                KeyedHarnesses.create(backend, new AccountSharing(Fixtures.settings()), AccountSharing::key, tmp)) {
            h.initializeState(old);
            h.open();
            assertThat(h.numEventTimeTimers()).as("the 0.1.0 timer is restored").isEqualTo(1);

            Decision second = AccountSharingTest.decision("b-1", "acme", "V-2", ACCOUNT, 20);
            h.processElement(second, second.eventTime.toEpochMilli());
            List<Decision> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            Decision d = out.get(0);
            assertThat(Arrays.stream(d.reasons).map(r -> r.code)).as("V-1 is known from 0.1.0's account-vendors")
                    .containsExactly(ReasonCode.BANK_SHARED);
            assertThat(d.reasons[0].evidence.otherVendorIds).containsExactly("V-1");

            assertThat(keysOf(h, Descriptors.accountVendors().getName())).as("old states cleared").isZero();
            assertThat(keysOf(h, Descriptors.cleanupTimer().getName())).isZero();
            assertThat(keysOf(h, Descriptors.accountProfile().getName())).isEqualTo(1);
            AccountProfile p = accountProfile(h, key);
            assertThat(p.vendors).extracting(a -> a.id).containsExactly("V-1", "V-2");
            assertThat(p.cleanupTimer).as("the restored timer is known, and kept: it is the earliest")
                    .isEqualTo(ZeroOneAccountLayout.TIMER);
            assertThat(h.numEventTimeTimers()).as("still one timer per key").isEqualTo(1);

            // and the profile survives a snapshot: a third vendor is told about both
            OperatorSubtaskState migrated = h.snapshot(2L, 2L);
            try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> next =
                    KeyedHarnesses.create(backend, new AccountSharing(Fixtures.settings()), AccountSharing::key, tmp)) {
                next.initializeState(migrated);
                next.open();
                Decision third = AccountSharingTest.decision("c-1", "acme", "V-3", ACCOUNT, 21);
                next.processElement(third, third.eventTime.toEpochMilli());
                Decision d3 = next.extractOutputValues().get(0);
                assertThat(d3.reasons[0].evidence.otherVendorIds).containsExactly("V-1", "V-2");
                // the restored timer fires and re-arms through the profile: nothing has expired yet
                next.processWatermark(ZeroOneAccountLayout.TIMER);
                assertThat(accountProfile(next, key).vendors).hasSize(3);
                assertThat(accountProfile(next, key).cleanupTimer).isGreaterThan(ZeroOneAccountLayout.TIMER);
                assertThat(next.numEventTimeTimers()).isEqualTo(1);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static AccountProfile accountProfile(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String key)
            throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.accountProfile()).value();
    }
}
