package io.invoicesieve.serde;

import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.testing.Fixtures;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSerializersTest {

    private static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }

    @Test
    void invoiceRoundTripsEveryField() throws Exception {
        Invoice full = Fixtures.invoice("i-1").confidence(0.42).build();
        full.remitBankCode = "COBADEFFXXX";
        full.poNumber = "PO-1";
        full.dueDate = LocalDate.of(2026, 4, 1);
        full.description = "Consulting – März";
        full.amount = new BigDecimal("123456789012345.123456");
        assertThat(roundTrip(InvoiceSerializer.INSTANCE, full)).usingRecursiveComparison().isEqualTo(full);
        assertThat(InvoiceSerializer.INSTANCE.copy(full)).usingRecursiveComparison().isEqualTo(full);

        Invoice sparse = new Invoice();
        sparse.tenantId = "t";
        sparse.amount = new BigDecimal("-0.5");
        assertThat(roundTrip(InvoiceSerializer.INSTANCE, sparse)).usingRecursiveComparison().isEqualTo(sparse);
    }

    @Test
    void decisionRoundTripsReasonsAndEvidence() throws Exception {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = "i-2";
        d.vendorId = "V-1";
        d.invoiceNumber = "INV-1";
        d.invoiceDate = LocalDate.of(2026, 3, 2);
        d.amount = "1250.00";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T09:00:00.123Z");
        d.decision = DecisionType.HOLD;
        d.riskScore = 0.97;
        Evidence e = new Evidence();
        e.matchedInvoiceIds = new String[] {"i-1"};
        e.similarity = 1.0;
        e.candidatesCompared = 3;
        e.lateByMillis = 5L;
        e.otherVendorIds = new String[0];
        d.reasons = new Reason[] {
            new Reason(ReasonCode.DUPLICATE_EXACT, 0.97, "detail", e),
            new Reason(ReasonCode.LATE_EVENT, 0.0, null, null)
        };
        d.matchedInvoiceIds = new String[] {"i-1"};
        d.traceId = "trace";
        d.decidedAt = Instant.now();
        d.modelVersion = "rules-1";
        d.jobVersion = "0.1.0";
        d.remitAccountKey = "DE89";
        d.late = true;
        assertThat(roundTrip(DecisionSerializer.INSTANCE, d)).usingRecursiveComparison().isEqualTo(d);
        assertThat(DecisionSerializer.INSTANCE.copy(d)).usingRecursiveComparison().isEqualTo(d);
    }
}
