package io.invoicesieve.testing;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.model.Evidence;
import io.invoicesieve.model.Reason;
import io.invoicesieve.model.ReasonCode;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.sinks.OpenSearchDecisionSink;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;

import static io.invoicesieve.testing.ContractSchemas.DEAD_LETTER;
import static io.invoicesieve.testing.ContractSchemas.DECISION;
import static io.invoicesieve.testing.ContractSchemas.OPENSEARCH_DOCUMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract's output schemas against what serde/DecisionJson and the OpenSearch sink write. */
class ContractSchemasTest {

    @Test
    void findsTheContractInTheRepository() {
        assertThat(ContractSchemas.contractDir().resolve("decision.schema.json")).isRegularFile();
        assertThat(ContractSchemas.repositoryRoot().resolve("pom.xml")).isRegularFile();
    }

    @Test
    void aDecisionWithEveryFieldAndEveryEvidenceFactIsValid() {
        ContractSchemas.assertValidDecision(decision());
    }

    @Test
    void aMinimalPassDecisionIsValid() {
        Decision d = decision();
        d.decision = DecisionType.PASS;
        d.riskScore = 0;
        d.reasons = new Reason[0];
        d.matchedInvoiceIds = null;
        d.invoiceNumber = null;
        d.invoiceDate = null;
        d.source = null;
        d.modelVersion = null;
        d.late = false;
        ContractSchemas.assertValidDecision(d);
    }

    @Test
    void anUndocumentedFieldFailsWithTheViolationAndTheRecord() {
        String json = json(decision()).replaceFirst("\\}$", ",\"priority\":\"high\"}");
        assertThatThrownBy(() -> ContractSchemas.assertValidDecision(json))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("contract/decision.schema.json")
                .hasMessageContaining("priority")
                .hasMessageContaining(json);
    }

    @Test
    void wrongTypesUnknownCodesAndBadTimesFail() {
        String json = json(decision());
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"code\":\"AMOUNT_ANOMALY\"", "\"code\":\"AMOUNT_HIGH\"")))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"risk_score\":0.9", "\"risk_score\":1.5")))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"decided_at\":\"2026-03-02T09:00:05Z\"",
                "\"decided_at\":\"2026-03-02 09:00:05\""))).isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"z_score\":", "\"zscore\":"))).isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"late\":true", "\"late\":\"yes\""))).isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json.replace("\"account\":\"****3000\"",
                "\"account\":\"DE89370400440532013000\""))).as("unmasked account").isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, json + "{}")).as("trailing content").isNotEmpty();
        assertThat(ContractSchemas.violations(DECISION, "{\"tenant_id\":\"a\",\"tenant_id\":\"b\"}"))
                .anyMatch(v -> v.contains("Duplicate field"));
    }

    @Test
    void deadLettersOfBothSourcesAreValid() {
        InvoiceParser parser = new InvoiceParser();
        ContractSchemas.assertValidDeadLetter(parser.parseRecord("not json {", "file:line 12").deadLetter);
        ContractSchemas.assertValidDeadLetter(parser.parseRecord((byte[]) null, "kafka:invoices/3@1042").deadLetter);
        ContractSchemas.assertValidDeadLetter(
                parser.parseRecord("{\"tenant_id\":\"acme\"}".getBytes(StandardCharsets.UTF_8), "kafka:e2e-invoices/0@7").deadLetter);
    }

    @Test
    void aDeadLetterWithoutOriginOrWithAnExtraFieldFails() {
        String json = new String(DecisionJson.toJsonBytes(new DeadLetter("x", "not valid JSON", "file:line 3", 1_000L)),
                StandardCharsets.UTF_8);
        ContractSchemas.assertValidDeadLetter(json);
        assertThat(ContractSchemas.violations(DEAD_LETTER, json.replace("\"origin\":\"file:line 3\"", "\"origin\":\"somewhere\"")))
                .isNotEmpty();
        assertThat(ContractSchemas.violations(DEAD_LETTER, json.replace("\"raw\":", "\"payload\":"))).isNotEmpty();
    }

    @Test
    void theOpenSearchDocumentIsValidAgainstItsOwnSchema() {
        Decision d = decision();
        d.description = "Consulting services October";
        d.remitAccount = "****3000";
        ContractSchemas.assertValidOpenSearchDocument(document(d));
        // a different shape: not a decision (amount is a number, reason_codes, description, ...)
        assertThat(ContractSchemas.violations(DECISION, document(d))).isNotEmpty();

        d.remitAccount = "DE89370400440532013000";
        assertThat(ContractSchemas.violations(OPENSEARCH_DOCUMENT, document(d))).as("unmasked account").isNotEmpty();
        d.remitAccount = "****3000";
        d.decision = DecisionType.PASS;
        assertThat(ContractSchemas.violations(OPENSEARCH_DOCUMENT, document(d))).as("PASS is never indexed").isNotEmpty();
    }

    static Decision decision() {
        Decision d = new Decision();
        d.tenantId = "acme";
        d.invoiceId = "acme-000002";
        d.vendorId = "V-1001";
        d.invoiceNumber = "INV-2O26-0042";
        d.invoiceDate = LocalDate.parse("2026-03-01");
        d.amount = "1250.00";
        d.currency = "EUR";
        d.eventTime = Instant.parse("2026-03-02T08:00:00Z");
        d.decision = DecisionType.HOLD;
        d.riskScore = 0.9;
        Evidence e = new Evidence();
        e.matchedInvoiceIds = new String[] {"acme-000001"};
        e.matchedInvoiceNumbers = new String[] {"INV-2026-0042"};
        e.matchedEventTime = "2026-02-27T10:00:00Z";
        e.matchedInvoiceDate = "2026-02-27";
        e.matchedAmount = "1250.00";
        e.matchKind = "NUMBER_EQUIVALENT";
        e.similarity = 0.95;
        e.candidatesCompared = 3;
        e.zScore = 4.2;
        e.vendorMedian = "310.50";
        e.vendorSpread = 12.5;
        e.ratioToMedian = 4.03;
        e.historySize = 40;
        e.account = "****3000";
        e.firstSeen = "2026-01-01T00:00:00Z";
        e.lastSeen = "2026-02-01T00:00:00.123Z";
        e.knownAccounts = 2;
        e.vendorInvoicesWithAccount = 7;
        e.otherVendorIds = new String[] {"V-2001"};
        e.extractionConfidence = 0.41;
        e.lateByMillis = 3_600_000L;
        d.reasons = new Reason[] {
            new Reason(ReasonCode.DUPLICATE_SUSPECT, 0.9, "Invoice number matches INV-2026-0042", e),
            new Reason(ReasonCode.AMOUNT_ANOMALY, 0.5, "Amount 4x the vendor median", new Evidence()),
            new Reason(ReasonCode.LATE_EVENT, 0.1, null, null),
        };
        d.matchedInvoiceIds = new String[] {"acme-000001"};
        d.traceId = InvoiceParser.traceId(d.tenantId, d.invoiceId);
        d.decidedAt = Instant.parse("2026-03-02T09:00:05Z");
        d.modelVersion = "rules-1";
        d.jobVersion = "0.1.0";
        d.source = "edi";
        d.late = true;
        return d;
    }

    private static String json(Decision d) {
        return new String(DecisionJson.toJsonBytes(d), StandardCharsets.UTF_8);
    }

    private static String document(Decision d) {
        return new String(OpenSearchDecisionSink.document(d), StandardCharsets.UTF_8);
    }
}
