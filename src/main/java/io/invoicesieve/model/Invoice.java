package io.invoicesieve.model;

import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A validated invoice event (invoice.schema.json). A Flink POJO: public fields and a public no-arg
 * constructor, so that Flink serializes it with the PojoSerializer and its schema can evolve.
 */
@TypeInfo(io.invoicesieve.serde.InvoiceSerializer.Factory.class)
public class Invoice {

    public String tenantId;
    public String invoiceId;
    public String vendorId;
    public String invoiceNumber;
    @TypeInfo(LocalDateTypeInfo.class)
    public LocalDate invoiceDate;
    public Instant eventTime;
    /** Gross amount; negative for a credit note. */
    public BigDecimal amount;
    public String currency;
    public String remitAccount;
    public String remitBankCode;
    public String poNumber;
    @TypeInfo(LocalDateTypeInfo.class)
    public LocalDate dueDate;
    public String description;
    public String source;
    public Double extractionConfidence;
    /** Deterministic per (tenant, invoice): the same invoice always traces to the same id. */
    public String traceId;

    public Invoice() {}

    public long eventTimeMillis() {
        return eventTime.toEpochMilli();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Invoice)) {
            return false;
        }
        Invoice that = (Invoice) o;
        return Objects.equals(tenantId, that.tenantId)
                && Objects.equals(invoiceId, that.invoiceId)
                && Objects.equals(vendorId, that.vendorId)
                && Objects.equals(invoiceNumber, that.invoiceNumber)
                && Objects.equals(invoiceDate, that.invoiceDate)
                && Objects.equals(eventTime, that.eventTime)
                && Objects.equals(amount, that.amount)
                && Objects.equals(currency, that.currency)
                && Objects.equals(remitAccount, that.remitAccount);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, invoiceId);
    }

    @Override
    public String toString() {
        return tenantId + "/" + invoiceId + " vendor=" + vendorId + " number=" + invoiceNumber
                + " amount=" + amount + " " + currency + " date=" + invoiceDate + " at " + eventTime;
    }
}
