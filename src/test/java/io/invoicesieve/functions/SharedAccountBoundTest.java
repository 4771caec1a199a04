package io.invoicesieve.functions;

import io.invoicesieve.detect.shared.SharedAccountDetector;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.state.AccountHistory;
import io.invoicesieve.state.AccountProfile;
import io.invoicesieve.state.Descriptors;
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
import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account used by thousands of vendors (a factoring company's collection account): the state
 * lists at most {@link SharedAccountDetector#MAX_VENDORS} of them plus a count, the reason names at
 * most that many and says how many there are, and the count expires with the vendors it counts.
 */
class SharedAccountBoundTest {

    private static final String IBAN = "DE89370400440532013000";

    private static Decision decision(String id, String vendor, double day) {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = id;
        d.vendorId = vendor;
        d.remitAccountKey = IBAN;
        d.eventTime = Instant.ofEpochMilli(Fixtures.BASE.toEpochMilli() + (long) (day * DAY));
        d.reasons = new Reason[0];
        d.invoiceNumber = "N-" + id;
        d.amount = "100.00";
        d.currency = "EUR";
        d.invoiceDate = java.time.LocalDate.of(2026, 3, 2).plusDays((long) day);
        return d;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AccountSharing(Fixtures.settings())), AccountSharing::key, Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        h.open();
        return h;
    }

    @SuppressWarnings("unchecked")
    private static KeyedStateBackend<String> backend(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h) {
        KeyedStateBackend<String> backend =
                (KeyedStateBackend<String>) (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
        backend.setCurrentKey(AccountSharing.key("acme", IBAN, null));
        return backend;
    }

    private static AccountHistory[] listed(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h) throws Exception {
        ValueState<AccountProfile> profile = backend(h).getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.accountProfile());
        return profile.value() == null ? null : profile.value().vendors;
    }

    private static AccountHistory evicted(KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h) throws Exception {
        ValueState<AccountHistory> gone = backend(h).getPartitionedState(
                VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Descriptors.accountVendorsEvicted());
        return gone.value();
    }

    private static Reason shared(Decision d) {
        for (Reason r : d.reasons) {
            if (r.code == ReasonCode.BANK_SHARED) {
                return r;
            }
        }
        return null;
    }

    @Test
    void thousandsOfVendorsOnOneAccountKeepTheStateAndTheReasonBounded() throws Exception {
        int max = SharedAccountDetector.MAX_VENDORS;
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = harness()) {
            // a regular vendor, active all along
            h.processElement(decision("reg-0", "V-REG", 0), Fixtures.BASE.toEpochMilli());
            for (int v = 1; v <= 2000; v++) {
                double day = v / 100.0;
                Decision d = decision("f-" + v, "V-" + v, day);
                h.processElement(d, d.eventTime.toEpochMilli());
                if (v % 10 == 0) {
                    Decision reg = decision("reg-" + v, "V-REG", day);
                    h.processElement(reg, reg.eventTime.toEpochMilli());
                }
            }
            assertThat(listed(h)).hasSize(max);
            assertThat(listed(h)).extracting(a -> a.id).as("the recently active stay listed").contains("V-REG", "V-2000");
            assertThat(evicted(h).count).isEqualTo(2001 - max);

            List<Decision> out = h.extractOutputValues();
            Decision last = out.stream().filter(d -> d.invoiceId.equals("f-2000")).findFirst().orElseThrow();
            Reason r = shared(last);
            assertThat(r).isNotNull();
            assertThat(r.evidence.otherVendorIds).hasSizeLessThanOrEqualTo(max).contains("V-REG");
            assertThat(r.evidence.otherVendorCount).isEqualTo(2000);
            assertThat(r.evidence.firstSeen).as("the account's first use, listed or not").isEqualTo(Fixtures.BASE.toString());
            assertThat(r.detail).contains("2000 other vendors");
            assertThat(last.decision).isEqualTo(DecisionType.REVIEW);
            // the regular vendor, still listed, is not flagged again
            Decision reg = out.stream().filter(d -> d.invoiceId.equals("reg-2000")).findFirst().orElseThrow();
            assertThat(shared(reg)).isNull();
            // every decision stays small
            assertThat(out).allSatisfy(d -> assertThat(io.invoicesieve.serde.DecisionJson.toJsonBytes(d).length).isLessThan(8192));

            // 730 d after the last use everything is gone, the count too
            h.processWatermark(Fixtures.BASE.toEpochMilli() + 800 * DAY);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void theCountExpiresWithTheVendorsItCounts() throws Exception {
        int max = SharedAccountDetector.MAX_VENDORS;
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h = harness()) {
            for (int v = 0; v <= max; v++) {
                Decision d = decision("f-" + v, "V-" + v, v / 100.0);
                h.processElement(d, d.eventTime.toEpochMilli());
            }
            assertThat(evicted(h).count).isEqualTo(1);
            // the listed vendors stay active; the evicted one (V-0) expires 730 d after its last use
            for (int v = 1; v <= max; v++) {
                Decision d = decision("g-" + v, "V-" + v, 500);
                h.processElement(d, d.eventTime.toEpochMilli());
            }
            h.processWatermark(Fixtures.BASE.toEpochMilli() + 740 * DAY);
            assertThat(evicted(h)).isNull();
            assertThat(listed(h)).hasSize(max);
            Decision next = decision("n-1", "V-NEW", 745);
            h.processElement(next, next.eventTime.toEpochMilli());
            List<Decision> out = h.extractOutputValues();
            assertThat(shared(out.get(out.size() - 1)).evidence.otherVendorCount).isEqualTo(max);
        }
    }
}
