package io.invoicesieve.sinks;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.testing.ContractSchemas;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One record must never fail the job on every restart: what PostgreSQL, OpenSearch or Kafka would
 * refuse never reaches them. The parser rejects such input with the limit as its reason, every dead
 * letter fits the Kafka DLQ, and SinkLimits turns a decision that a sink would still refuse into a
 * dead letter instead (the net behind the parser).
 */
class PoisonRecordsTest {

    private static final String VALID =
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"ID\",\"vendor_id\":\"V-1\",\"invoice_number\":\"INV-1\","
                    + "\"invoice_date\":\"2026-03-02\",\"event_time\":\"2026-03-02T09:00:00Z\",\"amount\":\"10.00\",\"currency\":\"EUR\"";

    private final InvoiceParser parser = new InvoiceParser();

    @Test
    void nulInAnyStringIsADeadLetterNotAPostgresFailure() {
        for (String field : new String[] {"invoice_id", "vendor_id", "invoice_number", "description", "source", "remit_account", "po_number"}) {
            String p = VALID.replace("\"ID\"", "\"id-1\"") + ",\"" + field + "\":\"a\\u0000b\"}";
            if (field.equals("invoice_id") || field.equals("vendor_id") || field.equals("invoice_number")) {
                p = VALID.replace("\"ID\"", "\"id-1\"").replaceFirst("\"" + field + "\":\"[^\"]*\"", "\"" + field + "\":\"a\\\\u0000b\"") + "}";
            }
            InboundRecord r = parser.parseRecord(p, "file:line 1");
            assertThat(r.invoice).as(field).isNull();
            assertThat(r.deadLetter.reason).contains("field '" + field + "'").contains("U+0000");
        }
    }

    @Test
    void aSourceOverTheOpenSearchKeywordLimitIsADeadLetter() {
        String p = VALID + ",\"source\":\"" + "s".repeat(40_000) + "\"}";
        assertThat(parser.parseRecord(p, "file:line 1").deadLetter.reason).isEqualTo("field 'source' is longer than 64 characters");
    }

    @Test
    void aDocumentIdOverOpenSearchs512BytesIsADeadLetter() {
        String id = "\uD83D\uDE00".repeat(128); // 128 characters: the schema's maxLength; 512 bytes
        String p = VALID.replace("\"ID\"", "\"" + id + "\"").replace("\"acme\"", "\"" + "t".repeat(64) + "\"") + "}";
        assertThat(parser.parseRecord(p, "file:line 1").deadLetter.reason).contains("field 'invoice_id' is longer than 447 bytes in UTF-8");
        // the longest id the parser takes makes a document id within the limit
        String longest = "\uD83D\uDE00".repeat(111) + "xxx";
        InboundRecord ok = parser.parseRecord(VALID.replace("\"ID\"", "\"" + longest + "\"").replace("\"acme\"", "\"" + "t".repeat(64) + "\"") + "}", "x");
        Decision d = new Decision();
        d.tenantId = ok.invoice.tenantId;
        d.invoiceId = ok.invoice.invoiceId;
        assertThat(OpenSearchDecisionSink.documentId(d).getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(512);
    }

    @Test
    void noDeadLetterTopsKafkasMegabyte() {
        byte[][] payloads = {
            ("{\"notes\":\"" + "\\u0000".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8), // 1.2 MB of escapes
            new byte[3_000_000], // 3 MB of NUL bytes: \x00 each in raw
            ("{\"a\":\"" + "\u0001".repeat(500_000) + "\"}").getBytes(StandardCharsets.UTF_8), // control characters JSON escapes 6x
        };
        for (byte[] p : payloads) {
            DeadLetter dl = parser.parseRecord(p, "kafka:invoices/0@1").deadLetter;
            byte[] json = DecisionJson.toJsonBytes(dl);
            assertThat(json.length).isLessThan(200_000);
            assertThat(dl.raw).hasSizeLessThanOrEqualTo(InvoiceParser.MAX_RAW_CHARS).doesNotContain("\u0000")
                    .endsWith("[truncated: " + p.length + " bytes in all]");
            ContractSchemas.assertValidDeadLetter(dl);
        }
        // a short record with NUL bytes: kept whole, NUL escaped
        DeadLetter nul = parser.parseRecord(new byte[] {'{', 0, '}'}, "kafka:invoices/0@2").deadLetter;
        assertThat(nul.raw).isEqualTo("{\\x00}");
    }

    @Test
    void aDecisionThatASinkWouldRefuseBecomesADeadLetterNamingTheLimit() {
        SinkLimits limits = SinkLimits.of(SieveConfig.of(Map.of()));
        assertThat(limits.check(decision())).isNull();

        Decision nul = decision();
        nul.reasons[0].detail = "a\u0000b";
        assertThat(limits.check(nul)).isEqualTo("sink limit: field 'reasons.detail' contains NUL (U+0000), which PostgreSQL refuses in text");

        Decision surrogate = decision();
        surrogate.remitAccount = "****\uDE00";
        assertThat(limits.check(surrogate)).contains("field 'remit_account' contains an unpaired surrogate");

        Decision nan = decision();
        nan.reasons[0].evidence.zScore = Double.NaN;
        assertThat(limits.check(nan)).contains("field 'evidence.z_score' is NaN");

        Decision longId = decision();
        longId.invoiceId = "\u4E00".repeat(170); // 510 bytes + tenant
        assertThat(limits.check(longId)).contains("document id 'tenant_id:invoice_id' is longer than 512 bytes");

        Decision keyword = decision();
        keyword.source = "s".repeat(40_000);
        assertThat(limits.check(keyword)).contains("field 'source' is longer than 32766 bytes");

        // BANK_SHARED naming every vendor of an account: over Kafka's max.request.size
        Decision big = decision();
        big.reasons[0].evidence.otherVendorIds = new String[20_000];
        java.util.Arrays.fill(big.reasons[0].evidence.otherVendorIds, "V-" + "9".repeat(60));
        assertThat(limits.check(big)).contains("as a Kafka record, over the producer's max.request.size");
        assertThat(SinkLimits.of(SieveConfig.of(Map.of("sieve.kafka.properties.max.request.size", "4000000"))).check(big)).isNull();

        DeadLetter dl = SinkGuard.deadLetter(nul, limits.check(nul), 1);
        assertThat(dl.origin).isEqualTo("decision:" + nul.traceId);
        assertThat(dl.raw).doesNotContain("\u0000");
        ContractSchemas.assertValidDeadLetter(dl);
        DeadLetter dl2 = SinkGuard.deadLetter(surrogate, limits.check(surrogate), 1);
        ContractSchemas.assertValidDeadLetter(dl2);
        DeadLetter dl3 = SinkGuard.deadLetter(big, limits.check(big), 1);
        assertThat(DecisionJson.toJsonBytes(dl3).length).isLessThan(200_000);
        ContractSchemas.assertValidDeadLetter(dl3);
    }

    private static Decision decision() {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = "inv-1";
        d.vendorId = "V-1";
        d.invoiceNumber = "INV-1";
        d.amount = "10.00";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T09:00:00Z");
        d.decidedAt = Instant.parse("2026-03-02T09:00:01Z");
        d.decision = DecisionType.REVIEW;
        d.riskScore = 0.7;
        Evidence e = new Evidence();
        e.otherVendorIds = new String[] {"V-2"};
        d.reasons = new Reason[] {new Reason(ReasonCode.BANK_SHARED, 0.7, "shared", e)};
        d.matchedInvoiceIds = new String[0];
        d.traceId = InvoiceParser.traceId(d.tenantId, d.invoiceId);
        d.modelVersion = "rules-1";
        d.jobVersion = "test";
        d.source = "edi";
        return d;
    }
}
