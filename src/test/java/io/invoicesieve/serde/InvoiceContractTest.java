package io.invoicesieve.serde;

import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.testing.ContractSchemas;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static io.invoicesieve.testing.ContractSchemas.INVOICE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser against contract/invoice.schema.json: whatever it accepts is valid, what it rejects is
 * invalid, except for the parser's documented limits (contract/README.md), where it is stricter.
 */
class InvoiceContractTest {

    private static final String VALID =
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"acme-1\",\"vendor_id\":\"V-1\",\"invoice_number\":\"INV-1\","
                    + "\"invoice_date\":\"2026-11-02\",\"event_time\":\"2026-11-03T10:15:00+01:00\","
                    + "\"amount\":\"1250.00\",\"currency\":\"EUR\"";

    private final InvoiceParser parser = new InvoiceParser();

    @Test
    void theSampleInvoiceIsValid() throws Exception {
        String sample = Files.readString(ContractSchemas.file("sample-invoice.json")).trim();
        ContractSchemas.assertValidInvoice(sample);
        assertThat(parser.parseRecord(sample, "file:line 1").invoice).isNotNull();
    }

    @Test
    void everySampleLineTheParserAcceptsIsValidAndEveryLineItRejectsIsInvalid() throws Exception {
        List<String> lines = Files.readAllLines(ContractSchemas.repositoryRoot().resolve("samples/invoices.jsonl"));
        int accepted = 0;
        List<String> rejectedButValid = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            InboundRecord record = parser.parseRecord(line, "file:line " + (i + 1));
            if (record.invoice != null) {
                ContractSchemas.assertValidInvoice(line);
                accepted++;
            } else {
                rejected++;
                if (ContractSchemas.violations(INVOICE, line).isEmpty()) {
                    rejectedButValid.add("line " + (i + 1) + " (" + record.deadLetter.reason + "): " + line);
                }
            }
        }
        assertThat(accepted).isGreaterThan(3000);
        assertThat(rejected).as("the samples' malformed lines").isGreaterThanOrEqualTo(10);
        // none of the samples' malformed lines hits one of the parser's limits: all are invalid
        assertThat(rejectedButValid).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "html error page | <html><body>502 Bad Gateway</body></html>",
                "array | [VALID}]",
                "missing currency | VALID_NO_CURRENCY}",
                "event time without offset | VALID_REPLACE(+01:00,)}",
                "lower-case currency | VALID_REPLACE(EUR,eur)}",
                "impossible date | VALID_REPLACE(2026-11-02,2026-02-30)}",
                "null amount | VALID_REPLACE(\"1250.00\",null)}",
                "empty invoice id | VALID_REPLACE(\"acme-1\",\"\")}",
                "empty due date | VALID,\"due_date\":\"\"}",
                "confidence out of range | VALID,\"extraction_confidence\":1.5}",
                "nine-plus fraction digits | VALID_REPLACE(10:15:00+01:00,10:15:00.1234567890Z)}",
                "offset beyond 18 hours | VALID_REPLACE(+01:00,+19:00)}",
            })
    void whatTheParserRejectsIsInvalid(String name, String payload) {
        String p = expand(payload);
        assertThat(parser.parseRecord(p, "file:line 1").invoice).as("parser verdict").isNull();
        assertThat(ContractSchemas.violations(INVOICE, p)).as("schema verdict").isNotEmpty();
    }

    /** The parser's limits (contract/README.md): valid against the schema, rejected by the parser. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "grouped amount | VALID_REPLACE(1250.00,\"1,250.00\")} | not a decimal",
                "exponent in an amount string | VALID_REPLACE(1250.00,1e3)} | not a decimal",
                "words in an amount string | VALID_REPLACE(1250.00,twelve)} | not a decimal",
                "16 integer digits | VALID_REPLACE(1250.00,1234567890123456.00)} | out of range",
                "7 decimals | VALID_REPLACE(1250.00,12.1234567)} | out of range",
                "leap second | VALID_REPLACE(2026-11-03T10:15:00+01:00,2016-12-31T23:59:60Z)} | not an RFC 3339",
                "length in UTF-16 units | EMOJI_TENANT | longer than 64",
                "deeply nested unknown field | DEEP | nesting depth",
                "payload over 64 KiB | LONG | record longer than",
            })
    void theParsersLimitsAreStricterThanTheSchema(String name, String payload, String reason) {
        String p = expand(payload);
        ContractSchemas.assertValidInvoice(p);
        InboundRecord record = parser.parseRecord(p, "file:line 1");
        assertThat(record.invoice).as("parser verdict").isNull();
        assertThat(record.deadLetter.reason).contains(reason);
    }

    @Test
    void duplicateFieldNamesAreRejectedByTheCheckButTheParserTakesTheLast() throws Exception {
        String p = VALID + ",\"invoice_id\":\"acme-2\"}";
        assertThat(parser.parse(p).invoiceId).isEqualTo("acme-2");
        assertThat(ContractSchemas.violations(INVOICE, p)).singleElement().asString().contains("Duplicate field 'invoice_id'");
    }

    private static String expand(String payload) {
        if (payload.startsWith("VALID_NO_CURRENCY")) {
            return VALID.replace(",\"currency\":\"EUR\"", "") + payload.substring("VALID_NO_CURRENCY".length());
        }
        if (payload.startsWith("VALID_REPLACE(")) {
            int close = payload.indexOf(')');
            String[] args = payload.substring("VALID_REPLACE(".length(), close).split(",", 2);
            if (args[1].contains(",") && args[1].startsWith("\"") && !args[0].startsWith("\"")) {
                // a replacement that is itself a JSON string ("1,250.00") replaces the quoted original
                return VALID.replace("\"" + args[0] + "\"", args[1]) + payload.substring(close + 1);
            }
            return VALID.replace(args[0], args[1]) + payload.substring(close + 1);
        }
        switch (payload) {
            case "EMOJI_TENANT":
                // 40 code points (the schema's maxLength counts these), 80 UTF-16 units (the parser's)
                return VALID.replace("\"tenant_id\":\"acme\"", "\"tenant_id\":\"" + "\uD83D\uDE00".repeat(40) + "\"") + "}";
            case "DEEP":
                return VALID + ",\"custom\":" + "[".repeat(40) + "]".repeat(40) + "}";
            case "LONG":
                return VALID + ",\"notes\":\"" + "x".repeat(70_000) + "\"}";
            default:
                return payload.replace("VALID", VALID);
        }
    }
}
