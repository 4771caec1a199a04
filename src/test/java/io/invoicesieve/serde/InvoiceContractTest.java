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
                "grouped amount | VALID_REPLACE(1250.00,\"1,250.00\")}",
                "exponent in an amount string | VALID_REPLACE(1250.00,1e3)}",
                "words in an amount string | VALID_REPLACE(1250.00,twelve)}",
                "16 integer digits | VALID_REPLACE(1250.00,1234567890123456.00)}",
                "5 decimals | VALID_REPLACE(1250.00,12.12345)}",
                "7 decimals | VALID_REPLACE(1250.00,12.1234567)}",
                "16 integer digits as a number | VALID_REPLACE(\"1250.00\",1234567890123456)}",
                "5 decimals as a number | VALID_REPLACE(\"1250.00\",12.12345)}",
                "leap second | VALID_REPLACE(2026-11-03T10:15:00+01:00,2016-12-31T23:59:60Z)}",
                "nanoseconds | VALID_REPLACE(10:15:00+01:00,10:15:00.123456789Z)}",
                "tenant with a colon | VALID_REPLACE(\"acme\",\"acme:x\")}",
                "tenant with U+001F | VALID_REPLACE(\"acme\",\"a\\u001fb\")}",
                "tenant with a space | VALID_REPLACE(\"acme\",\"ac me\")}",
                "control character in invoice_id | VALID_REPLACE(\"acme-1\",\"acme\\u001f1\")}",
                "C1 control in vendor_id | VALID_REPLACE(\"V-1\",\"V\\u00851\")}",
                "NUL in description | VALID,\"description\":\"a\\u0000b\"}",
                "source of 65 characters | SOURCE_65",
                "non-ASCII remit account | VALID,\"remit_account\":\"DE89\u00e9\"}",
                "duplicate field | VALID,\"amount\":\"99.00\"}",
            })
    void whatTheParserRejectsIsInvalid(String name, String payload) {
        String p = expand(payload);
        assertThat(parser.parseRecord(p, "file:line 1").invoice).as("parser verdict").isNull();
        assertThat(ContractSchemas.violations(INVOICE, p)).as("schema verdict").isNotEmpty();
    }

    /** Bounds that used to be parser limits and are now accepted: counted in characters, as the schema does. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "64 emoji in vendor_id (128 UTF-16 units) | EMOJI_VENDOR",
                "4000 emoji in the description | EMOJI_DESCRIPTION",
                "15 integer digits and 4 decimals | VALID_REPLACE(1250.00,123456789012345.1234)}",
                "trailing zeros beyond 4 decimals | VALID_REPLACE(1250.00,1250.000000)}",
                "blanks around a string amount | VALID_REPLACE(1250.00, 1250.00 )}",
                "microseconds | VALID_REPLACE(10:15:00+01:00,10:15:00.123456Z)}",
                "a bare carriage return between tokens | BARE_CR",
            })
    void whatTheSchemaAllowsTheParserAccepts(String name, String payload) throws Exception {
        String p = expand(payload);
        ContractSchemas.assertValidInvoice(p);
        assertThat(parser.parse(p)).isNotNull();
    }

    /** The parser's limits (contract/README.md): valid against the schema, rejected by the parser. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "deeply nested unknown field | DEEP | nesting depth",
                "payload over 64 KiB | LONG | record longer than 65536 bytes",
                "invoice_id over 447 bytes | EMOJI_INVOICE_ID | longer than 447 bytes in UTF-8",
                "unpaired surrogate | VALID_REPLACE(\"V-1\",\"V\\ud800\")} | field 'vendor_id' contains an unpaired surrogate",
                "number amount over 64 characters | LONG_NUMBER | number of more than 64 characters",
                "event time far in the future | VALID_REPLACE(2026-11-03T10:15:00+01:00,9999-12-31T00:00:00Z)} | field 'event_time' is ahead of the clock",
            })
    void theParsersLimitsAreStricterThanTheSchema(String name, String payload, String reason) {
        String p = expand(payload);
        ContractSchemas.assertValidInvoice(p);
        InboundRecord record = new InvoiceParser(java.time.Duration.ofMinutes(15)).parseRecord(p, "file:line 1");
        assertThat(record.invoice).as("parser verdict").isNull();
        assertThat(record.deadLetter.reason).contains(reason);
    }

    @Test
    void duplicateFieldNamesAreRejectedByBoth() {
        String p = VALID + ",\"invoice_id\":\"acme-2\"}";
        assertThat(parser.parseRecord(p, "file:line 1").deadLetter.reason).isEqualTo("duplicate field 'invoice_id'");
        assertThat(ContractSchemas.violations(INVOICE, p)).singleElement().asString().contains("Duplicate field 'invoice_id'");
    }

    @Test
    void everyLimitOfTheParserIsInTheContractReadme() throws Exception {
        String readme = Files.readString(ContractSchemas.file("README.md"));
        for (String reason : new String[] {
            "record longer than 65536 bytes", "invalid UTF-8", "duplicate field", "nesting depth",
            "number of more than 64 characters", "longer than 447 bytes in UTF-8", "unpaired surrogate",
            "is ahead of the clock", "has more than 15 integer digits", "has more than 4 decimals", "has second 60",
        }) {
            assertThat(readme).as("contract/README.md names the reason '%s'", reason).contains(reason);
        }
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
            case "EMOJI_VENDOR":
                // 64 code points (the schema's maxLength counts these), 128 UTF-16 units
                return VALID.replace("\"vendor_id\":\"V-1\"", "\"vendor_id\":\"" + "\uD83D\uDE00".repeat(64) + "\"") + "}";
            case "EMOJI_DESCRIPTION":
                return VALID + ",\"description\":\"" + "\uD83D\uDE00".repeat(4000) + "\"}";
            case "EMOJI_INVOICE_ID":
                // 120 code points (within maxLength 128), 480 bytes in UTF-8
                return VALID.replace("\"invoice_id\":\"acme-1\"", "\"invoice_id\":\"" + "\uD83D\uDE00".repeat(120) + "\"") + "}";
            case "BARE_CR":
                return VALID + ",\r\"po_number\":\"PO-1\"}";
            case "SOURCE_65":
                return VALID + ",\"source\":\"" + "e".repeat(65) + "\"}";
            case "LONG_NUMBER":
                return VALID.replace("\"1250.00\"", "1250." + "0".repeat(70)) + "}";
            case "DEEP":
                return VALID + ",\"custom\":" + "[".repeat(40) + "]".repeat(40) + "}";
            case "LONG":
                return VALID + ",\"notes\":\"" + "x".repeat(70_000) + "\"}";
            default:
                return payload.replace("VALID", VALID);
        }
    }
}
