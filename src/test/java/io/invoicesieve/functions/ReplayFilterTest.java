package io.invoicesieve.functions;

import io.invoicesieve.model.Invoice;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import static io.invoicesieve.testing.Fixtures.DAY;
import static io.invoicesieve.testing.Fixtures.invoice;
import static org.assertj.core.api.Assertions.assertThat;

class ReplayFilterTest {

    @Test
    void replaysAreSuppressedUntilTheRetentionEnds() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Invoice, Invoice> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ReplayFilter(180 * DAY)), ReplayFilter::key, Types.STRING)) {
            h.getExecutionConfig().disableGenericTypes();
            h.open();
            Invoice first = invoice("a-1").build();
            h.processElement(first, first.eventTimeMillis());
            h.processElement(invoice("a-1").day(1).build(), first.eventTimeMillis() + DAY);
            h.processElement(invoice("a-1").tenant("globex").build(), first.eventTimeMillis());
            assertThat(h.extractOutputValues()).extracting(i -> i.tenantId).containsExactly("acme", "globex");
            assertThat(h.numEventTimeTimers()).isEqualTo(2);

            h.processWatermark(Fixtures.BASE.toEpochMilli() + 181 * DAY);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
