package io.invoicesieve.serde;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The one JSON writer of decisions and dead letters (contract/decision.schema.json,
 * contract/dead-letter.schema.json) and of the analysts' OpenSearch document, with Jackson's
 * streaming generator: the field names encoded once, no reflection. Every sink writes through here.
 */
public final class DecisionJson {

    private static final JsonFactory JSON = new JsonFactory();

    // field names encoded once, not per record
    private static final SerializedString F_EVIDENCE = new SerializedString("evidence");
    private static final SerializedString F_ACCOUNT = new SerializedString("account");
    private static final SerializedString F_AMOUNT = new SerializedString("amount");
    private static final SerializedString F_CANDIDATES_COMPARED = new SerializedString("candidates_compared");
    private static final SerializedString F_CANDIDATES_TOTAL = new SerializedString("candidates_total");
    private static final SerializedString F_COMPARISON_CAP = new SerializedString("comparison_cap");
    private static final SerializedString F_OTHER_VENDOR_COUNT = new SerializedString("other_vendor_count");
    private static final SerializedString F_FIRST_DELIVERED_AT = new SerializedString("first_delivered_at");
    private static final SerializedString F_CONTENT_DIGEST = new SerializedString("content_digest");
    private static final SerializedString F_PREVIOUS_CONTENT_DIGEST = new SerializedString("previous_content_digest");
    private static final SerializedString F_CODE = new SerializedString("code");
    private static final SerializedString F_CURRENCY = new SerializedString("currency");
    private static final SerializedString F_DECIDED_AT = new SerializedString("decided_at");
    private static final SerializedString F_DECISION = new SerializedString("decision");
    private static final SerializedString F_DESCRIPTION = new SerializedString("description");
    private static final SerializedString F_DETAIL = new SerializedString("detail");
    private static final SerializedString F_EVENT_TIME = new SerializedString("event_time");
    private static final SerializedString F_EXTRACTION_CONFIDENCE = new SerializedString("extraction_confidence");
    private static final SerializedString F_FIRST_SEEN = new SerializedString("first_seen");
    private static final SerializedString F_HISTORY_SIZE = new SerializedString("history_size");
    private static final SerializedString F_INVOICE_DATE = new SerializedString("invoice_date");
    private static final SerializedString F_INVOICE_ID = new SerializedString("invoice_id");
    private static final SerializedString F_INVOICE_NUMBER = new SerializedString("invoice_number");
    private static final SerializedString F_JOB_VERSION = new SerializedString("job_version");
    private static final SerializedString F_KNOWN_ACCOUNTS = new SerializedString("known_accounts");
    private static final SerializedString F_LAST_SEEN = new SerializedString("last_seen");
    private static final SerializedString F_LATE = new SerializedString("late");
    private static final SerializedString F_LATE_BY_MS = new SerializedString("late_by_ms");
    private static final SerializedString F_MATCH_KIND = new SerializedString("match_kind");
    private static final SerializedString F_MATCHED_AMOUNT = new SerializedString("matched_amount");
    private static final SerializedString F_MATCHED_EVENT_TIME = new SerializedString("matched_event_time");
    private static final SerializedString F_MATCHED_INVOICE_DATE = new SerializedString("matched_invoice_date");
    private static final SerializedString F_MATCHED_INVOICE_DATES = new SerializedString("matched_invoice_dates");
    private static final SerializedString F_VENDOR_RISK = new SerializedString("vendor_risk");
    private static final SerializedString F_REASON_DETAILS = new SerializedString("reason_details");
    private static final SerializedString F_MATCHED_INVOICE_IDS = new SerializedString("matched_invoice_ids");
    private static final SerializedString F_MATCHED_INVOICE_NUMBERS = new SerializedString("matched_invoice_numbers");
    private static final SerializedString F_MODEL_VERSION = new SerializedString("model_version");
    private static final SerializedString F_ORIGIN = new SerializedString("origin");
    private static final SerializedString F_OTHER_VENDOR_IDS = new SerializedString("other_vendor_ids");
    private static final SerializedString F_RATIO_TO_MEDIAN = new SerializedString("ratio_to_median");
    private static final SerializedString F_RAW = new SerializedString("raw");
    private static final SerializedString F_REASON = new SerializedString("reason");
    private static final SerializedString F_REASON_CODES = new SerializedString("reason_codes");
    private static final SerializedString F_REASONS = new SerializedString("reasons");
    private static final SerializedString F_REMIT_ACCOUNT = new SerializedString("remit_account");
    private static final SerializedString F_REJECTED_AT = new SerializedString("rejected_at");
    private static final SerializedString F_RISK_SCORE = new SerializedString("risk_score");
    private static final SerializedString F_SCORE = new SerializedString("score");
    private static final SerializedString F_SIMILARITY = new SerializedString("similarity");
    private static final SerializedString F_SOURCE = new SerializedString("source");
    private static final SerializedString F_TENANT_ID = new SerializedString("tenant_id");
    private static final SerializedString F_TRACE_ID = new SerializedString("trace_id");
    private static final SerializedString F_VENDOR_ID = new SerializedString("vendor_id");
    private static final SerializedString F_VENDOR_INVOICES_WITH_ACCOUNT = new SerializedString("vendor_invoices_with_account");
    private static final SerializedString F_VENDOR_MEDIAN = new SerializedString("vendor_median");
    private static final SerializedString F_VENDOR_SPREAD = new SerializedString("vendor_spread");
    private static final SerializedString F_Z_SCORE = new SerializedString("z_score");

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

    /** The decision as the contract has it (decision.schema.json): files, Kafka, PostgreSQL. */
    public static void write(JsonGenerator g, Decision d) throws IOException {
        write(g, d, false);
    }

    /**
     * The analysts' OpenSearch document: the contract's fields plus the invoice's searchable fields
     * (description, masked remit account), the reason codes flattened for aggregations, the amount
     * as a number (for sums and ranges) and {@code late} always present (for filters).
     */
    public static byte[] toDocumentBytes(Decision d) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, d, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, Decision d, boolean document) throws IOException {
        g.writeStartObject();
        writeString(g, F_TENANT_ID, d.tenantId);
        writeString(g, F_INVOICE_ID, d.invoiceId);
        writeString(g, F_VENDOR_ID, d.vendorId);
        stringIfSet(g, F_INVOICE_NUMBER, d.invoiceNumber);
        if (d.invoiceDate != null) {
            writeString(g, F_INVOICE_DATE, d.invoiceDate.toString());
        }
        if (d.amount != null) {
            g.writeFieldName(F_AMOUNT);
            if (document) {
                g.writeNumber(new BigDecimal(d.amount));
            } else {
                g.writeString(d.amount);
            }
        }
        stringIfSet(g, F_CURRENCY, d.currency);
        writeInstant(g, F_EVENT_TIME, d.eventTime);
        if (document) {
            stringIfSet(g, F_DESCRIPTION, d.description);
            stringIfSet(g, F_REMIT_ACCOUNT, d.remitAccount);
        }
        writeString(g, F_DECISION, d.decision.name());
        writeNumber(g, F_RISK_SCORE, d.riskScore);
        if (document) {
            g.writeFieldName(F_REASON_CODES);
            g.writeStartArray();
            for (Reason r : d.reasons) {
                g.writeString(r.code.name());
            }
            g.writeEndArray();
            writeQueueFields(g, d);
        }
        g.writeFieldName(F_REASONS);
        g.writeStartArray();
        for (Reason r : d.reasons) {
            writeReason(g, r);
        }
        g.writeEndArray();
        g.writeFieldName(F_MATCHED_INVOICE_IDS);
        g.writeStartArray();
        if (d.matchedInvoiceIds != null) {
            for (String id : d.matchedInvoiceIds) {
                g.writeString(id);
            }
        }
        g.writeEndArray();
        writeString(g, F_TRACE_ID, d.traceId);
        writeInstant(g, F_DECIDED_AT, d.decidedAt);
        writeString(g, F_MODEL_VERSION, d.modelVersion);
        writeString(g, F_JOB_VERSION, d.jobVersion);
        stringIfSet(g, F_SOURCE, d.source);
        if (d.late || document) {
            writeBoolean(g, F_LATE, d.late);
        }
        g.writeEndObject();
    }

    /**
     * The analysts' queue (document only): each reason's sentence, and the matched invoices' numbers
     * and dates flattened from the duplicate reasons, so that the saved search shows them as columns.
     */
    private static void writeQueueFields(JsonGenerator g, Decision d) throws IOException {
        g.writeFieldName(F_REASON_DETAILS);
        g.writeStartArray();
        for (Reason r : d.reasons) {
            if (r.detail != null) {
                g.writeString(r.detail);
            }
        }
        g.writeEndArray();
        g.writeFieldName(F_MATCHED_INVOICE_NUMBERS);
        g.writeStartArray();
        for (Reason r : d.reasons) {
            if (r.evidence != null && r.evidence.matchedInvoiceNumbers != null) {
                for (String n : r.evidence.matchedInvoiceNumbers) {
                    g.writeString(n);
                }
            }
        }
        g.writeEndArray();
        g.writeFieldName(F_MATCHED_INVOICE_DATES);
        g.writeStartArray();
        for (Reason r : d.reasons) {
            if (r.evidence != null && r.evidence.matchedInvoiceDates != null) {
                for (String n : r.evidence.matchedInvoiceDates) {
                    g.writeString(n);
                }
            }
        }
        g.writeEndArray();
    }

    public static void writeReason(JsonGenerator g, Reason r) throws IOException {
        g.writeStartObject();
        writeString(g, F_CODE, r.code.name());
        writeNumber(g, F_SCORE, r.score);
        stringIfSet(g, F_DETAIL, r.detail);
        if (r.evidence != null) {
            g.writeFieldName(F_EVIDENCE);
            writeEvidence(g, r.evidence);
        }
        g.writeEndObject();
    }

    public static void writeEvidence(JsonGenerator g, Evidence e) throws IOException {
        g.writeStartObject();
        array(g, F_MATCHED_INVOICE_IDS, e.matchedInvoiceIds);
        array(g, F_MATCHED_INVOICE_NUMBERS, e.matchedInvoiceNumbers);
        stringIfSet(g, F_MATCHED_EVENT_TIME, e.matchedEventTime);
        stringIfSet(g, F_MATCHED_INVOICE_DATE, e.matchedInvoiceDate);
        array(g, F_MATCHED_INVOICE_DATES, e.matchedInvoiceDates);
        stringIfSet(g, F_MATCHED_AMOUNT, e.matchedAmount);
        stringIfSet(g, F_MATCH_KIND, e.matchKind);
        numberIfSet(g, F_SIMILARITY, e.similarity);
        if (e.candidatesCompared != null) {
            writeNumber(g, F_CANDIDATES_COMPARED, e.candidatesCompared);
        }
        if (e.candidatesTotal != null) {
            writeNumber(g, F_CANDIDATES_TOTAL, e.candidatesTotal);
        }
        if (e.comparisonCap != null) {
            writeNumber(g, F_COMPARISON_CAP, e.comparisonCap);
        }
        numberIfSet(g, F_Z_SCORE, e.zScore);
        stringIfSet(g, F_VENDOR_MEDIAN, e.vendorMedian);
        numberIfSet(g, F_VENDOR_SPREAD, e.vendorSpread);
        numberIfSet(g, F_RATIO_TO_MEDIAN, e.ratioToMedian);
        if (e.historySize != null) {
            writeNumber(g, F_HISTORY_SIZE, e.historySize);
        }
        stringIfSet(g, F_ACCOUNT, e.account);
        stringIfSet(g, F_FIRST_SEEN, e.firstSeen);
        stringIfSet(g, F_LAST_SEEN, e.lastSeen);
        if (e.knownAccounts != null) {
            writeNumber(g, F_KNOWN_ACCOUNTS, e.knownAccounts);
        }
        if (e.vendorInvoicesWithAccount != null) {
            writeNumber(g, F_VENDOR_INVOICES_WITH_ACCOUNT, e.vendorInvoicesWithAccount);
        }
        array(g, F_OTHER_VENDOR_IDS, e.otherVendorIds);
        if (e.otherVendorCount != null) {
            writeNumber(g, F_OTHER_VENDOR_COUNT, e.otherVendorCount);
        }
        stringIfSet(g, F_FIRST_DELIVERED_AT, e.firstDeliveredAt);
        stringIfSet(g, F_CONTENT_DIGEST, e.contentDigest);
        stringIfSet(g, F_PREVIOUS_CONTENT_DIGEST, e.previousContentDigest);
        numberIfSet(g, F_EXTRACTION_CONFIDENCE, e.extractionConfidence);
        if (e.lateByMillis != null) {
            writeNumber(g, F_LATE_BY_MS, e.lateByMillis);
        }
        numberIfSet(g, F_VENDOR_RISK, e.vendorRisk);
        g.writeEndObject();
    }

    public static void write(JsonGenerator g, DeadLetter d) throws IOException {
        g.writeStartObject();
        writeString(g, F_REASON, d.reason);
        writeString(g, F_ORIGIN, d.origin);
        writeInstant(g, F_REJECTED_AT, Instant.ofEpochMilli(d.rejectedAt));
        writeString(g, F_RAW, d.raw);
        g.writeEndObject();
    }

    /** A scratch buffer per thread for {@link Rfc3339#format}: the sinks' writers each run on their own. */
    private static final ThreadLocal<char[]> INSTANT_CHARS = ThreadLocal.withInitial(() -> new char[Rfc3339.MAX_FORMATTED]);

    /** As {@code writeString(g, name, instant.toString())}, without the formatter or the string. */
    private static void writeInstant(JsonGenerator g, SerializedString name, Instant instant) throws IOException {
        g.writeFieldName(name);
        if (instant == null) {
            g.writeNull();
            return;
        }
        char[] chars = INSTANT_CHARS.get();
        int n = Rfc3339.format(instant, chars);
        if (n < 0) {
            g.writeString(instant.toString());
        } else {
            g.writeString(chars, 0, n);
        }
    }

    private static void writeString(JsonGenerator g, SerializedString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void writeNumber(JsonGenerator g, SerializedString name, double value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void writeNumber(JsonGenerator g, SerializedString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void writeBoolean(JsonGenerator g, SerializedString name, boolean value) throws IOException {
        g.writeFieldName(name);
        g.writeBoolean(value);
    }

    private static void stringIfSet(JsonGenerator g, SerializedString name, String value) throws IOException {
        if (value != null) {
            writeString(g, name, value);
        }
    }

    private static void numberIfSet(JsonGenerator g, SerializedString name, Double value) throws IOException {
        if (value != null) {
            writeNumber(g, name, value);
        }
    }

    private static void array(JsonGenerator g, SerializedString name, String[] values) throws IOException {
        if (values != null) {
            g.writeFieldName(name);
            g.writeStartArray();
            for (String v : values) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
    }
}
