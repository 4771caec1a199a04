package io.invoicesieve.functions;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static org.assertj.core.api.Assertions.assertThat;

class AccountSharingTest {

    static Decision decision(String id, String tenant, String vendor, String account, double day) {
        Decision d = new Decision();
        d.tenantId = tenant;
        d.invoiceId = id;
        d.vendorId = vendor;
        d.remitAccountKey = account;
        d.eventTime = Instant.ofEpochMilli(Fixtures.BASE.toEpochMilli() + (long) (day * DAY));
        d.reasons = new Reason[0];
        d.invoiceNumber = "N-" + id;
        d.amount = "100.00";
        d.currency = "EUR";
        d.invoiceDate = java.time.LocalDate.of(2026, 3, 2).plusDays((long) day);
        d.decision = DecisionType.PASS;
        return d;
    }

    @Test
    void flagsTheDecisionWithWhichASecondVendorUsesAnAccount() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Decision, Decision> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AccountSharing(Fixtures.settings())),
                        AccountSharing::key, Types.STRING)) {
            h.getExecutionConfig().disableGenericTypes();
            h.open();
            String iban = "DE89370400440532013000";
            for (Decision d : List.of(
                    decision("a-1", "acme", "V-1", iban, 0),
                    decision("a-2", "acme", "V-1", iban, 30),
                    decision("b-1", "acme", "V-2", iban, 40),
                    decision("b-2", "acme", "V-2", iban, 50),
                    decision("c-1", "globex", "V-3", iban, 60),
                    decision("n-1", "acme", "V-4", null, 60))) {
                h.processElement(d, d.eventTime.toEpochMilli());
            }
            List<Decision> out = h.extractOutputValues();
            assertThat(out).extracting(d -> d.invoiceId).containsExactly("a-1", "a-2", "b-1", "b-2", "c-1", "n-1");
            assertThat(out.get(2).reasons).extracting(r -> r.code).containsExactly(ReasonCode.BANK_SHARED);
            assertThat(out.get(2).reasons[0].evidence.otherVendorIds).containsExactly("V-1");
            assertThat(out.get(2).reasons[0].detail).contains("V-1").contains("****3000");
            assertThat(out.get(2).decision).isEqualTo(DecisionType.REVIEW);
            assertThat(out.get(2).riskScore).isEqualTo(0.7);
            assertThat(out.get(3).reasons).as("only the first use by V-2").isEmpty();
            assertThat(out.get(4).reasons).as("another tenant").isEmpty();
            assertThat(out.get(5).reasons).isEmpty();

            h.processWatermark(Fixtures.BASE.toEpochMilli() + 2000 * DAY);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
