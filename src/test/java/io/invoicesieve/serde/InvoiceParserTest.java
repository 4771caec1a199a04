package io.invoicesieve.serde;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.testing.ContractSchemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InvoiceParserTest {

    private static final String VALID =
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"acme-1\",\"vendor_id\":\"V-1\",\"invoice_number\":\"INV-1\","
                    + "\"invoice_date\":\"2026-11-02\",\"event_time\":\"2026-11-03T10:15:00+01:00\","
                    + "\"amount\":\"1250.00\",\"currency\":\"EUR\"";

    private final InvoiceParser parser = new InvoiceParser();

    @Test
    void parsesTheContractSample() throws Exception {
        String sample = Files.readString(ContractSchemas.file("sample-invoice.json")).trim();
        Invoice inv = parser.parse(sample);
        assertThat(inv.tenantId).isEqualTo("acme");
        assertThat(inv.invoiceId).isEqualTo("acme-000001");
        assertThat(inv.amount).isEqualByComparingTo("1250.00");
        assertThat(inv.invoiceDate).isEqualTo(LocalDate.of(2026, 11, 2));
        assertThat(inv.eventTime).isEqualTo(Instant.parse("2026-11-03T10:15:00Z"));
        assertThat(inv.remitAccount).isEqualTo("DE89370400440532013000");
        assertThat(inv.description).isEqualTo("Consulting services October");
        assertThat(inv.traceId).isEqualTo(InvoiceParser.traceId("acme", "acme-000001"));
    }

    @Test
    void acceptsNumberAmountsNullOptionalsAndUnknownFields() throws Exception {
        Invoice inv = parser.parse(VALID.replace("\"1250.00\"", "1250.5")
                + ",\"remit_account\":null,\"extraction_confidence\":0.42,\"custom\":{\"a\":[1,2]},\"x\":true}");
        assertThat(inv.amount).isEqualTo(new BigDecimal("1250.5"));
        assertThat(inv.remitAccount).isNull();
        assertThat(inv.extractionConfidence).isEqualTo(0.42);
        assertThat(inv.eventTime).isEqualTo(Instant.parse("2026-11-03T09:15:00Z"));
    }

    @Test
    void acceptsCreditNotes() throws Exception {
        assertThat(parser.parse(VALID.replace("\"1250.00\"", "\"-99.90\"") + "}").amount)
                .isEqualByComparingTo("-99.90");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not json | this is not json | not valid JSON",
                "array | [1,2,3] | not a JSON object",
                "truncated | {\"tenant_id\":\"acme\",\"invoice_id\" | not valid JSON",
                "trailing | VALID} {} | trailing content",
                "missing currency | VALID_NO_CURRENCY} | missing required field 'currency'",
                "bad date | VALID_DATE(2026-02-30)} | field 'invoice_date' is not a date",
                "bad date format | VALID_DATE(02/11/2026)} | field 'invoice_date' is not a date",
                "event time without offset | VALID_EVENT(2026-11-03T10:15:00)} | field 'event_time' is not an RFC 3339",
                "grouped amount | VALID_AMOUNT(\"1,250.00\")} | field 'amount' is not a decimal",
                "amount with letters | VALID_AMOUNT(\"12,50.x\")} | field 'amount' is not a decimal",
                "exponent amount | VALID_AMOUNT(\"1e3\")} | field 'amount' is not a decimal",
                "boolean amount | VALID_AMOUNT(true)} | field 'amount' must be a string or a number",
                "lower-case currency | VALID_CURRENCY(eur)} | field 'currency' must be three upper-case letters",
                "long currency | VALID_CURRENCY(EURO)} | field 'currency' is longer than 3",
                "empty invoice id | VALID_ID()} | field 'invoice_id' must not be empty",
                "numeric tenant | VALID_TENANT} | field 'tenant_id' must be a string",
                "confidence out of range | VALID,\"extraction_confidence\":1.5} | field 'extraction_confidence' must be within",
                "empty | '' | empty record",
            })
    void rejectsWithAReasonNamingTheField(String name, String payload, String reason) {
        String p = expand(payload);
        InboundRecord record = parser.parseRecord(p, "file:line 7");
        assertThat(record.invoice).isNull();
        assertThat(record.deadLetter.reason).contains(reason);
        assertThat(record.deadLetter.raw).isEqualTo(p);
        assertThat(record.deadLetter.origin).isEqualTo("file:line 7");
    }

    @Test
    void neverThrowsOnGarbage() throws IOException {
        for (String garbage : new String[] {"{", "}", "null", "\"x\"", "{\"a\":", "\u0000\u0001", "{}}"}) {
            assertThat(parser.parseRecord(garbage, "x").deadLetter).as(garbage).isNotNull();
        }
        assertThatThrownBy(() -> parser.parse("{}")).hasMessageContaining("missing required field 'tenant_id'");
    }

    private static String expand(String payload) {
        String p = payload;
        if (p.startsWith("VALID_NO_CURRENCY")) {
            return VALID.replace(",\"currency\":\"EUR\"", "") + p.substring("VALID_NO_CURRENCY".length());
        }
        p = replaceCall(p, "VALID_DATE(", "\"invoice_date\":\"2026-11-02\"", "\"invoice_date\":\"%s\"");
        p = replaceCall(p, "VALID_EVENT(", "\"event_time\":\"2026-11-03T10:15:00+01:00\"", "\"event_time\":\"%s\"");
        p = replaceCall(p, "VALID_AMOUNT(", "\"amount\":\"1250.00\"", "\"amount\":%s");
        p = replaceCall(p, "VALID_CURRENCY(", "\"currency\":\"EUR\"", "\"currency\":\"%s\"");
        p = replaceCall(p, "VALID_ID(", "\"invoice_id\":\"acme-1\"", "\"invoice_id\":\"%s\"");
        if (p.startsWith("VALID_TENANT")) {
            return VALID.replace("\"tenant_id\":\"acme\"", "\"tenant_id\":42") + p.substring("VALID_TENANT".length());
        }
        if (p.startsWith("VALID")) {
            return VALID + p.substring("VALID".length());
        }
        return p;
    }

    private static String replaceCall(String p, String call, String original, String template) {
        if (!p.startsWith(call)) {
            return p;
        }
        int close = p.indexOf(')');
        String arg = p.substring(call.length(), close);
        return VALID.replace(original, String.format(template, arg)) + p.substring(close + 1);
    }
}
