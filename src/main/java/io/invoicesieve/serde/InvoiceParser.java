package io.invoicesieve.serde;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Parses one invoice payload (invoice.schema.json) with Jackson's streaming parser: one pass, no
 * tree, no reflection. Accepts exactly what the schema allows: amount as a decimal string or a JSON
 * number, null for the optional fields, unknown fields ignored. Anything else is rejected with a
 * reason that names the field.
 */
public final class InvoiceParser implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNumberLength(64).maxNestingDepth(32).build())
                    .build();

    /** Payloads longer than this are rejected without parsing (the schema's fields fit well inside). */
    static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    /** Parses a payload into an invoice or a dead letter; never throws. */
    public InboundRecord parseRecord(String payload, String origin) {
        try {
            return InboundRecord.of(parse(payload));
        } catch (InvalidInvoiceException e) {
            return InboundRecord.of(
                    new DeadLetter(payload, e.getMessage(), origin, System.currentTimeMillis()));
        }
    }

    public InboundRecord parseRecord(byte[] payload, String origin) {
        if (payload == null) {
            return InboundRecord.of(
                    new DeadLetter("", "empty record (null value)", origin, System.currentTimeMillis()));
        }
        return parseRecord(new String(payload, StandardCharsets.UTF_8), origin);
    }

    public Invoice parse(String payload) throws InvalidInvoiceException {
        if (payload == null || payload.isBlank()) {
            throw new InvalidInvoiceException("empty record");
        }
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            throw new InvalidInvoiceException("record longer than " + MAX_PAYLOAD_CHARS + " characters");
        }
        try (JsonParser p = JSON.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidInvoiceException("not a JSON object");
            }
            Invoice inv = readObject(p);
            if (p.nextToken() != null) {
                throw new InvalidInvoiceException("trailing content after the JSON object");
            }
            requireAll(inv);
            inv.traceId = traceId(inv.tenantId, inv.invoiceId);
            return inv;
        } catch (IOException e) {
            throw new InvalidInvoiceException("not valid JSON: " + firstLine(e instanceof com.fasterxml.jackson.core.JsonProcessingException
                    ? ((com.fasterxml.jackson.core.JsonProcessingException) e).getOriginalMessage()
                    : e.getMessage()));
        }
    }

    private static Invoice readObject(JsonParser p) throws IOException, InvalidInvoiceException {
        Invoice inv = new Invoice();
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            switch (field) {
                case "tenant_id":
                    inv.tenantId = requiredString(p, t, field, 64);
                    break;
                case "invoice_id":
                    inv.invoiceId = requiredString(p, t, field, 128);
                    break;
                case "vendor_id":
                    inv.vendorId = requiredString(p, t, field, 64);
                    break;
                case "invoice_number":
                    inv.invoiceNumber = requiredString(p, t, field, 64);
                    break;
                case "invoice_date":
                    inv.invoiceDate = date(requiredString(p, t, field, 10), field);
                    break;
                case "event_time":
                    inv.eventTime = instant(requiredString(p, t, field, 64), field);
                    break;
                case "amount":
                    inv.amount = amount(p, t);
                    break;
                case "currency":
                    inv.currency = currency(requiredString(p, t, field, 3));
                    break;
                case "remit_account":
                    inv.remitAccount = optionalString(p, t, field, 64);
                    break;
                case "remit_bank_code":
                    inv.remitBankCode = optionalString(p, t, field, 32);
                    break;
                case "po_number":
                    inv.poNumber = optionalString(p, t, field, 64);
                    break;
                case "due_date":
                    String due = optionalString(p, t, field, 10);
                    inv.dueDate = due == null ? null : date(due, field);
                    break;
                case "description":
                    inv.description = optionalString(p, t, field, 4000);
                    break;
                case "source":
                    inv.source = optionalString(p, t, field, Integer.MAX_VALUE);
                    break;
                case "extraction_confidence":
                    inv.extractionConfidence = confidence(p, t);
                    break;
                default:
                    // additionalProperties: true
                    p.skipChildren();
            }
        }
        return inv;
    }

    private static void requireAll(Invoice inv) throws InvalidInvoiceException {
        if (inv.tenantId == null) {
            throw missing("tenant_id");
        }
        if (inv.invoiceId == null) {
            throw missing("invoice_id");
        }
        if (inv.vendorId == null) {
            throw missing("vendor_id");
        }
        if (inv.invoiceNumber == null) {
            throw missing("invoice_number");
        }
        if (inv.invoiceDate == null) {
            throw missing("invoice_date");
        }
        if (inv.eventTime == null) {
            throw missing("event_time");
        }
        if (inv.amount == null) {
            throw missing("amount");
        }
        if (inv.currency == null) {
            throw missing("currency");
        }
    }

    private static InvalidInvoiceException missing(String field) {
        return new InvalidInvoiceException("missing required field '" + field + "'");
    }

    private static String requiredString(JsonParser p, JsonToken t, String field, int maxLength)
            throws IOException, InvalidInvoiceException {
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' must be a string, was " + describe(t));
        }
        String value = p.getText();
        if (value.isEmpty()) {
            throw new InvalidInvoiceException("field '" + field + "' must not be empty");
        }
        if (value.length() > maxLength) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    private static String optionalString(JsonParser p, JsonToken t, String field, int maxLength)
            throws IOException, InvalidInvoiceException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' must be a string or null, was " + describe(t));
        }
        String value = p.getText();
        if (value.length() > maxLength) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    private static LocalDate date(String value, String field) throws InvalidInvoiceException {
        LocalDate date = Rfc3339.date(value);
        if (date == null) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' is not a date (YYYY-MM-DD): '" + value + "'");
        }
        return date;
    }

    private static Instant instant(String value, String field) throws InvalidInvoiceException {
        // RFC 3339: the offset is mandatory ("Z" or +hh:mm)
        Instant instant = Rfc3339.instant(value);
        if (instant == null) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' is not an RFC 3339 date-time with offset: '" + value + "'");
        }
        return instant;
    }

    private static BigDecimal amount(JsonParser p, JsonToken t) throws IOException, InvalidInvoiceException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal value = p.getDecimalValue();
            return checkAmount(value, p.getText());
        }
        if (t == JsonToken.VALUE_STRING) {
            String text = p.getText().trim();
            if (!isPlainDecimal(text)) {
                throw new InvalidInvoiceException("field 'amount' is not a decimal: '" + p.getText() + "'");
            }
            return checkAmount(new BigDecimal(text), text);
        }
        throw new InvalidInvoiceException("field 'amount' must be a string or a number, was " + describe(t));
    }

    private static BigDecimal checkAmount(BigDecimal value, String text) throws InvalidInvoiceException {
        if (value.scale() > 6 || value.precision() - value.scale() > 15) {
            throw new InvalidInvoiceException("field 'amount' is out of range: '" + text + "'");
        }
        return value;
    }

    /** -?digits(.digits)? : no exponent, no grouping separators, no sign other than a leading minus. */
    static boolean isPlainDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (digits == 0) {
            return false;
        }
        if (i == n) {
            return true;
        }
        if (s.charAt(i) != '.') {
            return false;
        }
        i++;
        int fraction = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
            fraction++;
        }
        return fraction > 0 && i == n;
    }

    private static String currency(String value) throws InvalidInvoiceException {
        if (value.length() != 3
                || !isUpper(value.charAt(0))
                || !isUpper(value.charAt(1))
                || !isUpper(value.charAt(2))) {
            throw new InvalidInvoiceException(
                    "field 'currency' must be three upper-case letters (ISO 4217): '" + value + "'");
        }
        return value;
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static Double confidence(JsonParser p, JsonToken t) throws IOException, InvalidInvoiceException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidInvoiceException(
                    "field 'extraction_confidence' must be a number or null, was " + describe(t));
        }
        double value = p.getDoubleValue();
        if (!(value >= 0 && value <= 1)) {
            throw new InvalidInvoiceException("field 'extraction_confidence' must be within [0, 1]: " + value);
        }
        return value;
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "missing";
        }
        switch (t) {
            case VALUE_NULL:
                return "null";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case START_ARRAY:
                return "an array";
            case START_OBJECT:
                return "an object";
            default:
                return t.toString();
        }
    }

    /** A stable trace id per (tenant, invoice): a re-delivery or restart traces to the same id. */
    public static String traceId(String tenantId, String invoiceId) {
        return UUID.nameUUIDFromBytes((tenantId + '\u001f' + invoiceId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
