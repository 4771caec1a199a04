package io.invoicesieve.functions;

import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;
import io.invoicesieve.state.VendorProfile;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one cleanup timer per key (README: State and how it is bounded), at the exact times the
 * retentions give: the first multiple of sieve.state.cleanup-interval (7 d here) after the earliest expiry
 * for the scorer (ids and duplicate-index entries expire by week, from the end of their week: the
 * expiry index), the next midnight for the shared-accounts stage; each firing purges exactly what
 * expired, re-arms for the next expiry, and the last leaves the key empty. The firings at the end of
 * event time, which purge nothing: {@link EndOfEventTimeTest}.
 */
class CleanupTimersTest {

    private static final long WEEK = 7 * DAY;
    /** A weekly interval (the default is 30 d): more firings within the retentions to check. */
    private static final java.util.Map<String, String> WEEKLY = java.util.Map.of("sieve.state.cleanup-interval", "7 d");
    private static final long T0 = Fixtures.BASE.toEpochMilli();

    /** The next multiple of {@code interval} strictly after {@code t}, computed here, not by EventTimes. */
    private static long next(long t, long interval) {
        return (t / interval + 1) * interval;
    }

    /** The end of the expiry-index week of {@code t}: weeks since the epoch, computed here. */
    private static long weekEnd(long t) {
        return next(t, WEEK);
    }

    /** The scorer's vendor-profile of {@code key}. */
    @SuppressWarnings("unchecked")
    static VendorProfile profile(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String key) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        return backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.vendorProfile()).value();
    }

    /** The scorer's pending cleanup timer of {@code key} (in its vendor-profile), or null. */
    private static Long pendingCleanup(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String key) throws Exception {
        VendorProfile p = profile(h, key);
        return p == null || p.cleanupTimer == VendorProfile.NO_TIMER ? null : p.cleanupTimer;
    }

    /** The shared-accounts stage's pending cleanup timer of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    private static Long pendingAccountCleanup(KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h, String key) throws Exception {
        KeyedStateBackend<String> backend = (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(key);
        AccountProfile p = backend.getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.accountProfile()).value();
        return p == null || p.cleanupTimer == AccountProfile.NO_TIMER ? null : p.cleanupTimer;
    }

    @Test
    void theScorersTimerFollowsEachRetentionInTurn() throws Exception {
        DetectorSettings settings = Fixtures.settings(WEEKLY);
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            Invoice inv = invoice("a-1").number("INV-1").build();
            String key = InvoiceScorer.key(inv);
            h.processElement(inv, T0);
            // one entry per state of the key: invoice-deliveries (id, time and digest), duplicate-index,
            // vendor-profile (amounts, accounts and timer; the 0.1.0 states stay empty)
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            // 1. the duplicate lookback (120 d) after the invoice's week is the earliest expiry
            long due1 = next(weekEnd(T0) + 120 * DAY, WEEK);
            assertThat(pendingCleanup(h, key)).isEqualTo(due1);
            h.processWatermark(due1 - 1);
            assertThat(h.numKeyedStateEntries()).as("nothing purged before the timer").isEqualTo(3);
            h.processWatermark(due1);
            assertThat(h.numKeyedStateEntries()).as("the duplicate index is gone").isEqualTo(2);

            // 2. the replay retention (180 d)
            long due2 = next(weekEnd(T0) + 180 * DAY, WEEK);
            assertThat(pendingCleanup(h, key)).isEqualTo(due2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(due2);
            assertThat(h.numKeyedStateEntries()).as("the invoice id and its digest are forgotten").isEqualTo(1);
            assertThat(profile(h, key).currencies).containsExactly("EUR");

            // 3. the amount window (365 d from the invoice's day)
            long day0 = Math.floorDiv(T0, DAY) * DAY;
            long due3 = next(day0 + 365 * DAY, WEEK);
            assertThat(pendingCleanup(h, key)).isEqualTo(due3);
            h.processWatermark(due3);
            assertThat(profile(h, key).currencies).as("the amount history is gone").isEmpty();
            assertThat(profile(h, key).accounts).as("the account is not").hasSize(1);

            // 4. the bank retention (730 d after the account's last use), then nothing
            long due4 = next(T0 + 730 * DAY, WEEK);
            assertThat(pendingCleanup(h, key)).isEqualTo(due4);
            h.processWatermark(due4 - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.processWatermark(due4);
            assertThat(h.numKeyedStateEntries()).as("the emptied profile is cleared").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aLaterInvoiceNeverPostponesTheTimerAndAnEarlierDueOneReplacesIt() throws Exception {
        DetectorSettings settings = Fixtures.settings(WEEKLY);
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            Invoice late = invoice("a-2").number("INV-2").day(30).build();
            String key = InvoiceScorer.key(late);
            h.processElement(late, late.eventTimeMillis());
            long dueLate = next(weekEnd(late.eventTimeMillis()) + 120 * DAY, WEEK);
            assertThat(pendingCleanup(h, key)).isEqualTo(dueLate);
            Invoice early = invoice("a-1").number("INV-1").build();
            h.processElement(early, T0);
            assertThat(pendingCleanup(h, key)).isEqualTo(next(weekEnd(T0) + 120 * DAY, WEEK));
            assertThat(h.numEventTimeTimers()).as("the later timer was deleted").isEqualTo(1);
            h.processElement(invoice("a-3").number("INV-3").day(40).build(), T0 + 40 * DAY);
            assertThat(pendingCleanup(h, key)).isEqualTo(next(weekEnd(T0) + 120 * DAY, WEEK));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void aPurgeRearmsAtLeastOneIntervalLater() throws Exception {
        DetectorSettings settings = Fixtures.settings(WEEKLY);
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Decision> h = InvoiceScorerTest.harness(settings)) {
            Invoice inv = invoice("a-1").number("INV-1").build();
            String key = InvoiceScorer.key(inv);
            h.processElement(inv, T0);
            // a second invoice 121 days later keeps the key's duplicate index alive past the first timer
            h.processElement(invoice("a-2").number("INV-2").day(121).build(), T0 + 121 * DAY);
            long due1 = next(weekEnd(T0) + 120 * DAY, WEEK);
            h.processWatermark(due1);
            // next expiry: a-1's replay retention from the end of its week, after due1 + 7 d
            assertThat(pendingCleanup(h, key)).isEqualTo(Math.max(next(weekEnd(T0) + 180 * DAY, WEEK), due1 + WEEK));
        }
    }

    private static Decision decision(String id, String vendor, double day) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = vendor;
        d.remitAccountKey = "DE89370400440532013000";
        d.eventTime = Instant.ofEpochMilli(T0 + (long) (day * DAY));
        d.reasons = new Reason[0];
        return d;
    }

    @Test
    void theSharedAccountsTimerIsAtMidnightAfterTheRetentionAndForgetsVendorByVendor() throws Exception {
        long retention = 730 * DAY;
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        // the vendors' timer alone: the cross-vendor index (its own lookback timer) switched off
                        new KeyedProcessOperator<>(new AccountSharing(
                                Fixtures.settings(java.util.Map.of("sieve.duplicates.cross-vendor", "false")))),
                        AccountSharing::key, Types.STRING)) {
            h.open();
            Decision first = decision("a-1", "V-1", 0);
            String key = AccountSharing.key(first);
            h.processElement(first, T0);
            long due1 = next(T0 + retention, DAY);
            assertThat(pendingAccountCleanup(h, key)).isEqualTo(due1);
            h.processElement(decision("b-1", "V-2", 100), T0 + 100 * DAY);
            assertThat(pendingAccountCleanup(h, key)).as("one timer per key").isEqualTo(due1);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            h.processWatermark(due1 - 1);
            // one value per account: its vendors and its timer (account-profile)
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(pendingAccountCleanup(h, key)).isEqualTo(due1);
            h.processWatermark(due1);
            // V-1 is forgotten, V-2 remains: a return of V-1 is a second vendor on the account again
            long due2 = next(T0 + 100 * DAY + retention, DAY);
            assertThat(pendingAccountCleanup(h, key)).isEqualTo(due2);
            Decision back = decision("a-2", "V-1", 731);
            h.processElement(back, back.eventTime.toEpochMilli());
            List<Decision> out = h.extractOutputValues();
            Decision decided = out.get(out.size() - 1);
            assertThat(Arrays.stream(decided.reasons).map(r -> r.code)).containsExactly(ReasonCode.BANK_SHARED);
            assertThat(decided.reasons[0].evidence.otherVendorIds).containsExactly("V-2");
            assertThat(decided.decision).isEqualTo(DecisionType.REVIEW);

            // the end of event time (bounded input, stop --drain) fires the timer without purging:
            // the account's vendors stay, the fired timer is forgotten (EndOfEventTimeTest)
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(pendingAccountCleanup(h, key)).isNull();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
