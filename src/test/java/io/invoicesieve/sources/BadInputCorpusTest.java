package io.invoicesieve.sources;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.testing.BadInputCorpus;
import io.invoicesieve.testing.ContractSchemas;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The corpus through the line splitter and the parser, without Flink: every line is one invoice
 * with exactly its values, one dead letter (valid against the contract, reason naming the field,
 * origin its line) or a skipped blank line. The ITCases run the same corpus through the job.
 */
class BadInputCorpusTest {

    @Test
    void everyLineIsAccountedForByTheSplitterAndTheParser() throws Exception {
        List<BadInputCorpus.Case> cases = BadInputCorpus.cases(Instant.now());
        assertThat(cases).hasSizeGreaterThan(300);
        InvoiceParser parser = new InvoiceParser(Duration.ofMinutes(15));
        List<String> wrong = new ArrayList<>();
        try (JsonLines lines = new JsonLines(new ByteArrayInputStream(BadInputCorpus.fileBytes(cases)), 4096)) {
            for (BadInputCorpus.Case c : cases) {
                assertThat(lines.next()).as("line for %s", c).isTrue();
                String origin = "file:line " + lines.lineNumber();
                if (lines.isBlank()) {
                    if (!c.blank) {
                        wrong.add(c + ": skipped as blank");
                    }
                    continue;
                }
                InboundRecord r = parser.parseRecord(lines.bytes(), 0, lines.length(), lines.totalLength(), origin);
                String problem = check(c, r);
                if (problem != null) {
                    wrong.add(c + " (" + origin + "): " + problem);
                }
            }
            assertThat(lines.next()).isFalse();
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyRecordIsAccountedForAsAKafkaValue() {
        InvoiceParser parser = new InvoiceParser(Duration.ofMinutes(15));
        List<String> wrong = new ArrayList<>();
        for (BadInputCorpus.Case c : BadInputCorpus.cases(Instant.now())) {
            InboundRecord r = parser.parseRecord(c.kafkaValue(), "kafka:t/0@1");
            String problem = c.blank
                    ? (r.deadLetter != null && r.deadLetter.reason.contains("empty record") ? null : "not an empty-record dead letter")
                    : check(c, r);
            if (problem != null) {
                wrong.add(c + ": " + problem);
            }
        }
        assertThat(wrong).isEmpty();
    }

    static String check(BadInputCorpus.Case c, InboundRecord r) {
        if (c.blank) {
            return "expected a skipped blank line";
        }
        if (c.valid()) {
            if (r.invoice == null) {
                return "expected an invoice, got " + r.deadLetter.reason;
            }
            return sameValues(c, r.invoice);
        }
        if (r.deadLetter == null) {
            return "expected a dead letter (" + c.reason + "), got an invoice";
        }
        if (!r.deadLetter.reason.contains(c.reason)) {
            return "reason '" + r.deadLetter.reason + "' does not contain '" + c.reason + "'";
        }
        ContractSchemas.assertValidDeadLetter(r.deadLetter);
        return null;
    }

    static String sameValues(BadInputCorpus.Case c, Invoice inv) {
        List<String> diffs = new ArrayList<>();
        diff(diffs, "tenant_id", c.expected.get("tenant_id"), inv.tenantId);
        diff(diffs, "invoice_id", c.expected.get("invoice_id"), inv.invoiceId);
        diff(diffs, "vendor_id", c.expected.get("vendor_id"), inv.vendorId);
        diff(diffs, "invoice_number", c.expected.get("invoice_number"), inv.invoiceNumber);
        diff(diffs, "invoice_date", c.expected.get("invoice_date"), inv.invoiceDate.toString());
        diff(diffs, "currency", c.expected.get("currency"), inv.currency);
        diff(diffs, "source", c.expected.get("source"), inv.source);
        diff(diffs, "description", c.expected.get("description"), inv.description);
        if (((BigDecimal) c.expected.get("amount")).compareTo(inv.amount) != 0) {
            diffs.add("amount " + inv.amount);
        }
        if (!BadInputCorpus.instant(c.expected.get("event_time")).equals(inv.eventTime)) {
            diffs.add("event_time " + inv.eventTime);
        }
        return diffs.isEmpty() ? null : String.join(", ", diffs);
    }

    private static void diff(List<String> diffs, String field, Object expected, String actual) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            diffs.add(field + ": expected " + expected + ", was " + actual);
        }
    }
}
