package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.serde.DecisionJson;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * What each sink refuses, checked before any of them sees a decision (see {@link SinkGuard}): a
 * refusal inside a sink fails the job, and the restart replays the same record into the same
 * refusal, for every tenant, forever. The parser keeps every input field far inside these limits;
 * this is the net behind it, for what detection adds (reason details, evidence lists) and for what
 * a later change lets through.
 *
 * <ul>
 *   <li>PostgreSQL: no NUL (U+0000) in text or jsonb.
 *   <li>The JSON writer (every sink): no unpaired surrogate; no NaN or infinite number.
 *   <li>OpenSearch: document id {@code tenant_id:invoice_id} at most 512 bytes; a keyword at most
 *       32,766 bytes (the index template also sets {@code ignore_above}).
 *   <li>Kafka: key plus value below the producer's {@code max.request.size} (1 MiB unless
 *       {@code sieve.kafka.properties.max.request.size} says otherwise), with room for the record's
 *       framing.
 * </ul>
 *
 * <p>Cheap on the hot path: one pass over the decision's strings bounds its JSON size from above
 * (6 bytes per UTF-16 unit, the longest escape); only a decision whose bound is over the Kafka limit
 * is serialized to measure it.
 */
public final class SinkLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int OPENSEARCH_ID_BYTES = 512;
    public static final int OPENSEARCH_KEYWORD_BYTES = 32_766;
    public static final int KAFKA_DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
    /** Kafka's record and batch framing, headers: what the value may not use of max.request.size. */
    static final int KAFKA_FRAMING_BYTES = 1024;
    /** Per field: name, quotes, separators. */
    private static final int FIELD_OVERHEAD = 32;

    private final int kafkaMaxRecordBytes;

    public SinkLimits(int kafkaMaxRequestSize) {
        this.kafkaMaxRecordBytes = kafkaMaxRequestSize - KAFKA_FRAMING_BYTES;
    }

    public static SinkLimits of(SieveConfig config) {
        String size = config.prefixed(ConnectorOptions.KAFKA_PROPERTIES_PREFIX).get("max.request.size");
        int limit = KAFKA_DEFAULT_MAX_REQUEST_SIZE;
        if (size != null) {
            try {
                limit = Integer.parseInt(size.trim());
            } catch (NumberFormatException e) {
                // the Kafka client rejects it at start; keep the default here
            }
        }
        return new SinkLimits(limit);
    }

    /** Null when every sink takes the decision; else why not, naming the field and the sink's limit. */
    public String check(Decision d) {
        Scan s = new Scan();
        s.keyword("tenant_id", d.tenantId);
        s.keyword("invoice_id", d.invoiceId);
        s.keyword("vendor_id", d.vendorId);
        s.keyword("invoice_number", d.invoiceNumber);
        s.text("amount", d.amount);
        s.keyword("currency", d.currency);
        s.text("description", d.description);
        s.keyword("remit_account", d.remitAccount);
        s.keyword("source", d.source);
        s.keyword("trace_id", d.traceId);
        s.keyword("model_version", d.modelVersion);
        s.keyword("job_version", d.jobVersion);
        s.number("risk_score", d.riskScore);
        s.keywords("matched_invoice_ids", d.matchedInvoiceIds);
        if (d.reasons != null) {
            for (Reason r : d.reasons) {
                s.number("reasons.score", r.score);
                s.text("reasons.detail", r.detail);
                if (r.evidence != null) {
                    evidence(s, r.evidence);
                }
                s.bytes += 3 * FIELD_OVERHEAD;
            }
        }
        if (s.problem != null) {
            return s.problem;
        }
        if (d.tenantId != null && d.invoiceId != null
                && 3L * (d.tenantId.length() + 1 + d.invoiceId.length()) > OPENSEARCH_ID_BYTES
                && utf8(d.tenantId) + 1 + utf8(d.invoiceId) > OPENSEARCH_ID_BYTES) {
            return io.invoicesieve.model.DeadLetter.SINK_LIMIT + "document id 'tenant_id:invoice_id' is longer than "
                    + OPENSEARCH_ID_BYTES + " bytes (OpenSearch _id limit)";
        }
        // the decision JSON twice at most (Kafka value; the document is no larger than that)
        long bound = s.bytes + 64L * FIELD_OVERHEAD;
        if (bound > kafkaMaxRecordBytes) {
            int exact = DecisionJson.toJsonBytes(d).length + utf8(KafkaSinks.decisionKey(d));
            if (exact > kafkaMaxRecordBytes) {
                return io.invoicesieve.model.DeadLetter.SINK_LIMIT + "the decision is " + exact
                        + " bytes as a Kafka record, over the producer's max.request.size less framing ("
                        + kafkaMaxRecordBytes + " bytes)";
            }
        }
        return null;
    }

    private static void evidence(Scan s, Evidence e) {
        s.keywords("evidence.matched_invoice_ids", e.matchedInvoiceIds);
        s.keywords("evidence.matched_invoice_numbers", e.matchedInvoiceNumbers);
        s.text("evidence.matched_event_time", e.matchedEventTime);
        s.text("evidence.matched_invoice_date", e.matchedInvoiceDate);
        s.text("evidence.matched_amount", e.matchedAmount);
        s.text("evidence.match_kind", e.matchKind);
        s.number("evidence.similarity", e.similarity);
        s.number("evidence.z_score", e.zScore);
        s.text("evidence.vendor_median", e.vendorMedian);
        s.number("evidence.vendor_spread", e.vendorSpread);
        s.number("evidence.ratio_to_median", e.ratioToMedian);
        s.text("evidence.account", e.account);
        s.text("evidence.first_seen", e.firstSeen);
        s.text("evidence.last_seen", e.lastSeen);
        s.keywords("evidence.other_vendor_ids", e.otherVendorIds);
        s.number("evidence.extraction_confidence", e.extractionConfidence);
        s.bytes += 24L * FIELD_OVERHEAD;
    }

    static int utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** One pass over the strings: the first problem found, and an upper bound of the JSON size. */
    private static final class Scan {
        String problem;
        long bytes;

        void text(String field, String value) {
            if (value == null) {
                return;
            }
            int n = value.length();
            bytes += 6L * n + FIELD_OVERHEAD;
            if (problem != null) {
                return;
            }
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c == 0) {
                    problem = io.invoicesieve.model.DeadLetter.SINK_LIMIT + "field '" + field
                            + "' contains NUL (U+0000), which PostgreSQL refuses in text";
                    return;
                }
                if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                        i++;
                    } else {
                        problem = io.invoicesieve.model.DeadLetter.SINK_LIMIT + "field '" + field
                                + "' contains an unpaired surrogate, which no JSON writer can encode";
                        return;
                    }
                }
            }
        }

        void keyword(String field, String value) {
            text(field, value);
            if (problem == null && value != null && 3L * value.length() > OPENSEARCH_KEYWORD_BYTES
                    && utf8(value) > OPENSEARCH_KEYWORD_BYTES) {
                problem = io.invoicesieve.model.DeadLetter.SINK_LIMIT + "field '" + field + "' is longer than "
                        + OPENSEARCH_KEYWORD_BYTES + " bytes (OpenSearch keyword limit)";
            }
        }

        void keywords(String field, String[] values) {
            if (values != null) {
                for (String v : values) {
                    keyword(field, v);
                }
                bytes += FIELD_OVERHEAD;
            }
        }

        void number(String field, Double value) {
            bytes += FIELD_OVERHEAD;
            if (problem == null && value != null && !Double.isFinite(value)) {
                problem = io.invoicesieve.model.DeadLetter.SINK_LIMIT + "field '" + field + "' is " + value
                        + ", not a JSON number";
            }
        }

        void number(String field, double value) {
            bytes += FIELD_OVERHEAD;
            if (problem == null && !Double.isFinite(value)) {
                problem = io.invoicesieve.model.DeadLetter.SINK_LIMIT + "field '" + field + "' is " + value
                        + ", not a JSON number";
            }
        }
    }
}
