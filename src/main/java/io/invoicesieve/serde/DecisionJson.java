package io.invoicesieve.serde;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes decisions (decision.schema.json) and dead letters as JSON with Jackson's streaming
 * generator: the field names of the contract, written once per record, no reflection.
 */
public final class DecisionJson {

    private static final JsonFactory JSON = new JsonFactory();

    private DecisionJson() {}

    public static byte[] toJsonBytes(Decision d) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static byte[] toJsonBytes(DeadLetter d) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void write(JsonGenerator g, Decision d) throws IOException {
        g.writeStartObject();
        g.writeStringField("tenant_id", d.tenantId);
        g.writeStringField("invoice_id", d.invoiceId);
        g.writeStringField("vendor_id", d.vendorId);
        stringIfSet(g, "invoice_number", d.invoiceNumber);
        if (d.invoiceDate != null) {
            g.writeStringField("invoice_date", d.invoiceDate.toString());
        }
        stringIfSet(g, "amount", d.amount);
        stringIfSet(g, "currency", d.currency);
        g.writeStringField("event_time", instant(d.eventTime));
        g.writeStringField("decision", d.decision.name());
        g.writeNumberField("risk_score", d.riskScore);
        g.writeArrayFieldStart("reasons");
        for (Reason r : d.reasons) {
            writeReason(g, r);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("matched_invoice_ids");
        if (d.matchedInvoiceIds != null) {
            for (String id : d.matchedInvoiceIds) {
                g.writeString(id);
            }
        }
        g.writeEndArray();
        g.writeStringField("trace_id", d.traceId);
        g.writeStringField("decided_at", instant(d.decidedAt));
        g.writeStringField("model_version", d.modelVersion);
        g.writeStringField("job_version", d.jobVersion);
        stringIfSet(g, "source", d.source);
        if (d.late) {
            g.writeBooleanField("late", true);
        }
        g.writeEndObject();
    }

    public static void writeReason(JsonGenerator g, Reason r) throws IOException {
        g.writeStartObject();
        g.writeStringField("code", r.code.name());
        g.writeNumberField("score", r.score);
        stringIfSet(g, "detail", r.detail);
        if (r.evidence != null) {
            g.writeFieldName("evidence");
            writeEvidence(g, r.evidence);
        }
        g.writeEndObject();
    }

    public static void writeEvidence(JsonGenerator g, Evidence e) throws IOException {
        g.writeStartObject();
        array(g, "matched_invoice_ids", e.matchedInvoiceIds);
        array(g, "matched_invoice_numbers", e.matchedInvoiceNumbers);
        stringIfSet(g, "matched_event_time", e.matchedEventTime);
        stringIfSet(g, "matched_invoice_date", e.matchedInvoiceDate);
        stringIfSet(g, "matched_amount", e.matchedAmount);
        stringIfSet(g, "match_kind", e.matchKind);
        numberIfSet(g, "similarity", e.similarity);
        if (e.candidatesCompared != null) {
            g.writeNumberField("candidates_compared", e.candidatesCompared);
        }
        numberIfSet(g, "z_score", e.zScore);
        stringIfSet(g, "vendor_median", e.vendorMedian);
        numberIfSet(g, "vendor_spread", e.vendorSpread);
        numberIfSet(g, "ratio_to_median", e.ratioToMedian);
        if (e.historySize != null) {
            g.writeNumberField("history_size", e.historySize);
        }
        stringIfSet(g, "account", e.account);
        stringIfSet(g, "first_seen", e.firstSeen);
        stringIfSet(g, "last_seen", e.lastSeen);
        if (e.knownAccounts != null) {
            g.writeNumberField("known_accounts", e.knownAccounts);
        }
        if (e.vendorInvoicesWithAccount != null) {
            g.writeNumberField("vendor_invoices_with_account", e.vendorInvoicesWithAccount);
        }
        array(g, "other_vendor_ids", e.otherVendorIds);
        numberIfSet(g, "extraction_confidence", e.extractionConfidence);
        if (e.lateByMillis != null) {
            g.writeNumberField("late_by_ms", e.lateByMillis);
        }
        g.writeEndObject();
    }

    public static void write(JsonGenerator g, DeadLetter d) throws IOException {
        g.writeStartObject();
        g.writeStringField("reason", d.reason);
        g.writeStringField("origin", d.origin);
        g.writeStringField("rejected_at", Instant.ofEpochMilli(d.rejectedAt).toString());
        g.writeStringField("raw", d.raw);
        g.writeEndObject();
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    private static void stringIfSet(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void numberIfSet(JsonGenerator g, String name, Double value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    private static void array(JsonGenerator g, String name, String[] values) throws IOException {
        if (values != null) {
            g.writeArrayFieldStart(name);
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }
}
