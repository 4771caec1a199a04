package io.invoicesieve.functions;

import io.invoicesieve.model.Invoice;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

class AccountSharingTest {

    @Test
    void marksTheInvoiceWithWhichASecondVendorUsesAnAccount() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Invoice> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new AccountSharing(730 * DAY)), AccountSharing::key, Types.STRING)) {
            h.getExecutionConfig().disableGenericTypes();
            h.open();
            for (Invoice inv : List.of(
                    invoice("a-1").vendor("V-1").build(),
                    invoice("a-2").vendor("V-1").day(30).build(),
                    invoice("b-1").vendor("V-2").day(40).build(),
                    invoice("b-2").vendor("V-2").day(50).build(),
                    invoice("c-1").vendor("V-3").tenant("globex").day(60).build(),
                    invoice("n-1").vendor("V-4").account(null).day(60).build())) {
                h.processElement(inv, inv.eventTimeMillis());
            }
            List<Invoice> out = h.extractOutputValues();
            assertThat(out).hasSize(6);
            assertThat(out.get(0).sharedAccountVendors).isNull();
            assertThat(out.get(1).sharedAccountVendors).isNull();
            assertThat(out.get(2).sharedAccountVendors).containsExactly("V-1");
            assertThat(out.get(3).sharedAccountVendors).as("only the first use by V-2").isNull();
            assertThat(out.get(4).sharedAccountVendors).as("another tenant").isNull();
            assertThat(out.get(5).sharedAccountVendors).isNull();

            h.processWatermark(Fixtures.BASE.toEpochMilli() + 2000 * DAY);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
