package io.invoicesieve.serde;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;

/**
 * Parses one invoice payload (invoice.schema.json) with Jackson's streaming parser: one pass, no
 * tree, no reflection. Accepts exactly what the schema allows, minus the limits written in
 * contract/README.md ("The parser's limits"): amount as a decimal string or a JSON number, null for
 * the optional fields, unknown fields ignored. Anything else is rejected with a reason that names
 * the field.
 *
 * <p>Bytes are decoded strictly (invalid UTF-8 is a dead letter, never U+FFFD), a field name that
 * occurs twice is a dead letter, and every field that reaches a sink is bounded and free of what a
 * sink refuses (NUL for PostgreSQL, unpaired surrogates for the JSON writer, control characters in
 * ids, which are also parts of composite keys). {@code tenant_id} is restricted to
 * {@code [A-Za-z0-9._-]}, so that no key separator ({@code U+001F}, {@code U+001E}, {@code :}) can
 * occur in it and every key {@code tenant + separator + rest} is injective.
 */
public final class InvoiceParser implements Serializable {

    private static final long serialVersionUID = 2L;

    private static final JsonFactory JSON =
            JsonFactory.builder()
                    .streamReadConstraints(
                            StreamReadConstraints.builder().maxNumberLength(64).maxNestingDepth(32).build())
                    .build();

    /** Records (lines, Kafka values) longer than this many bytes are rejected without parsing. */
    public static final int MAX_RECORD_BYTES = 64 * 1024;

    /** At most this many characters (UTF-16 units) of a payload are kept in a dead letter's raw. */
    public static final int MAX_RAW_CHARS = 16_384;

    /** The document id (and Kafka key) {@code tenant_id:invoice_id} must fit OpenSearch's 512 bytes. */
    static final int MAX_INVOICE_ID_BYTES = 512 - 64 - 1;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Field kinds for {@link #checkString}. */
    private static final int TEXT = 0; // free text: no NUL
    private static final int ID = 1; // no control characters (C0, DEL, C1)
    private static final int ASCII = 2; // printable ASCII only (account numbers, bank codes)

    private final long maxFutureSkewMillis;

    /** A parser that accepts any event time (tests, tools); the job passes its configured skew. */
    public InvoiceParser() {
        this.maxFutureSkewMillis = Long.MAX_VALUE;
    }

    /** A parser that rejects invoices whose event_time lies more than {@code maxFutureSkew} ahead of the clock. */
    public InvoiceParser(Duration maxFutureSkew) {
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
    }

    // ------------------------------------------------------------------------------ entry points

    /** Parses a payload into an invoice or a dead letter; never throws. */
    public InboundRecord parseRecord(String payload, String origin) {
        try {
            return InboundRecord.of(parse(payload));
        } catch (InvalidInvoiceException e) {
            return deadLetter(rawOf(payload, -1), e.getMessage(), origin);
        }
    }

    /** A Kafka record's value: parsed from its bytes (see {@link #parseRecord(byte[], int, int, long, String)}). */
    public InboundRecord parseRecord(byte[] payload, String origin) {
        if (payload == null) {
            return deadLetter("", "empty record (null value)", origin);
        }
        return parseRecord(payload, 0, payload.length, payload.length, origin);
    }

    /**
     * Parses {@code buf[off, off + len)}, the first {@code len} bytes of a record of {@code totalLength}
     * bytes (a line longer than {@link #MAX_RECORD_BYTES} is not read whole: its reader passes the
     * prefix it kept and the length it counted). A leading UTF-8 byte order mark is skipped. Never throws.
     */
    public InboundRecord parseRecord(byte[] buf, int off, int len, long totalLength, String origin) {
        if (totalLength > MAX_RECORD_BYTES) {
            return deadLetter(escapedText(buf, off, Math.min(len, 4 * MAX_RAW_CHARS), totalLength),
                    "record longer than " + MAX_RECORD_BYTES + " bytes (" + totalLength + " bytes)", origin);
        }
        if (len >= 3 && buf[off] == BOM[0] && buf[off + 1] == BOM[1] && buf[off + 2] == BOM[2]) {
            off += 3;
            len -= 3;
        }
        String payload = new String(buf, off, len, StandardCharsets.UTF_8);
        // The lenient decoder replaces every malformed sequence with U+FFFD: without one, the bytes
        // were valid UTF-8 (the common case costs one scan); with one, decode strictly to tell.
        if (payload.indexOf('\uFFFD') >= 0) {
            int bad = firstMalformed(buf, off, len);
            if (bad >= 0) {
                String where = fieldAt(payload, charsBefore(buf, off, bad));
                return deadLetter(escapedText(buf, off, len, len),
                        String.format("invalid UTF-8: byte 0x%02X at offset %d%s", buf[off + bad] & 0xFF, bad,
                                where == null ? "" : " in field '" + where + "'"),
                        origin);
            }
        }
        try {
            return InboundRecord.of(parse(payload));
        } catch (InvalidInvoiceException e) {
            return deadLetter(rawOf(payload, len), e.getMessage(), origin);
        }
    }

    public Invoice parse(String payload) throws InvalidInvoiceException {
        if (payload == null || isBlank(payload)) {
            throw new InvalidInvoiceException("empty record");
        }
        if (payload.length() > MAX_RECORD_BYTES) {
            throw new InvalidInvoiceException("record longer than " + MAX_RECORD_BYTES + " bytes");
        }
        try (JsonParser p = JSON.createParser(payload)) {
            JsonToken first;
            try {
                first = p.nextToken();
            } catch (JsonProcessingException e) {
                throw notJson(e, null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidInvoiceException("not a JSON object");
            }
            Invoice inv = readObject(p);
            try {
                if (p.nextToken() != null) {
                    throw new InvalidInvoiceException("trailing content after the JSON object");
                }
            } catch (JsonProcessingException e) {
                throw new InvalidInvoiceException("trailing content after the JSON object");
            }
            requireAll(inv);
            if (maxFutureSkewMillis != Long.MAX_VALUE
                    && inv.eventTime.toEpochMilli() > System.currentTimeMillis() + maxFutureSkewMillis) {
                throw new InvalidInvoiceException(DeadLetter.FUTURE_EVENT_TIME + " by more than "
                        + DeadLetter.describe(Duration.ofMillis(maxFutureSkewMillis)) + ": '" + inv.eventTime + "'");
            }
            inv.traceId = traceId(inv.tenantId, inv.invoiceId);
            return inv;
        } catch (IOException e) {
            throw notJson(e, null);
        }
    }

    /**
     * A reason may quote a value (an amount string is quoted before it is known to be text a sink
     * takes): NUL and unpaired surrogates in it are made representable as in raw.
     */
    private static InboundRecord deadLetter(String raw, String reason, String origin) {
        return InboundRecord.of(new DeadLetter(raw, rawOf(reason, -1), origin, System.currentTimeMillis()));
    }

    private static InvalidInvoiceException notJson(IOException e, String field) {
        String message = e instanceof JsonProcessingException
                ? ((JsonProcessingException) e).getOriginalMessage()
                : e.getMessage();
        String in = field == null ? "" : " in field '" + field + "'";
        if (e instanceof StreamConstraintsException) {
            if (field != null && message != null && message.startsWith("Number value length")) {
                return new InvalidInvoiceException("field '" + field + "' is a number of more than 64 characters");
            }
            return new InvalidInvoiceException("exceeds a limit" + in + ": " + firstLine(message));
        }
        return new InvalidInvoiceException("not valid JSON" + in + ": " + firstLine(message));
    }

    // ------------------------------------------------------------------------------ the object

    private static Invoice readObject(JsonParser p) throws IOException, InvalidInvoiceException {
        Invoice inv = new Invoice();
        String previous = null;
        int seen = 0; // one bit per known field (fieldBit)
        Set<String> unknown = null; // names of unknown fields, made on the first one
        while (true) {
            String field;
            JsonToken t;
            try {
                field = p.nextFieldName();
            } catch (JsonProcessingException e) {
                // nextFieldName reads the start of the value too: the name is set before it fails
                String at = p.getParsingContext().getCurrentName();
                throw notJson(e, at != null ? at : previous);
            }
            if (field == null) {
                break;
            }
            int bit = fieldBit(field);
            if (bit != 0) {
                if ((seen & bit) != 0) {
                    throw duplicate(field);
                }
                seen |= bit;
            } else {
                if (unknown == null) {
                    unknown = new HashSet<>();
                }
                if (!unknown.add(field)) {
                    throw duplicate(field);
                }
            }
            previous = field;
            try {
                t = p.nextToken();
                if (bit != 0) {
                    readField(p, t, field, inv);
                } else {
                    skipValue(p, t); // additionalProperties: true
                }
            } catch (JsonProcessingException e) {
                throw notJson(e, field);
            }
        }
        return inv;
    }

    /**
     * The bit of a field {@link #readField} reads, 0 for any other. Duplicate names are found here and
     * in {@link #skipValue}, not by Jackson's STRICT_DUPLICATE_DETECTION, which builds a HashSet for
     * every object (11 % of the parsing thread's samples in round seven's profile): the fields the
     * schema names are a bit mask, only unknown names go to a set.
     */
    private static int fieldBit(String field) {
        switch (field) {
            case "tenant_id": return 1;
            case "invoice_id": return 1 << 1;
            case "vendor_id": return 1 << 2;
            case "invoice_number": return 1 << 3;
            case "invoice_date": return 1 << 4;
            case "event_time": return 1 << 5;
            case "amount": return 1 << 6;
            case "currency": return 1 << 7;
            case "remit_account": return 1 << 8;
            case "remit_bank_code": return 1 << 9;
            case "po_number": return 1 << 10;
            case "due_date": return 1 << 11;
            case "description": return 1 << 12;
            case "source": return 1 << 13;
            case "extraction_confidence": return 1 << 14;
            default: return 0;
        }
    }

    /**
     * Skips the value of an unknown field whose first token is {@code t}: a duplicate name in an object
     * anywhere inside it is a dead letter too, as it was with Jackson's strict detection (the depth is
     * bounded by the parser's maxNestingDepth).
     */
    private static void skipValue(JsonParser p, JsonToken t) throws IOException, InvalidInvoiceException {
        if (t == JsonToken.START_OBJECT) {
            Set<String> names = null;
            for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
                if (names == null) {
                    names = new HashSet<>();
                }
                if (!names.add(name)) {
                    throw duplicate(name);
                }
                skipValue(p, p.nextToken());
            }
        } else if (t == JsonToken.START_ARRAY) {
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY && e != null; e = p.nextToken()) {
                skipValue(p, e);
            }
        }
    }

    private static InvalidInvoiceException duplicate(String field) {
        return new InvalidInvoiceException("duplicate field '" + field + "'");
    }

    private static void readField(JsonParser p, JsonToken t, String field, Invoice inv)
            throws IOException, InvalidInvoiceException {
        switch (field) {
            case "tenant_id":
                inv.tenantId = tenant(requiredString(p, t, field, 64, ID));
                break;
            case "invoice_id":
                inv.invoiceId = requiredString(p, t, field, 128, ID);
                if (utf8Length(inv.invoiceId) > MAX_INVOICE_ID_BYTES) {
                    throw new InvalidInvoiceException("field 'invoice_id' is longer than " + MAX_INVOICE_ID_BYTES
                            + " bytes in UTF-8 (the document id tenant_id:invoice_id has at most 512)");
                }
                break;
            case "vendor_id":
                inv.vendorId = requiredString(p, t, field, 64, ID);
                break;
            case "invoice_number":
                inv.invoiceNumber = requiredString(p, t, field, 64, ID);
                break;
            case "invoice_date":
                inv.invoiceDate = date(requiredString(p, t, field, 10, ID), field);
                break;
            case "event_time":
                inv.eventTime = instant(requiredString(p, t, field, 64, ID), field);
                break;
            case "amount":
                inv.amount = amount(p, t);
                break;
            case "currency":
                inv.currency = currency(requiredString(p, t, field, 3, ID));
                break;
            case "remit_account":
                inv.remitAccount = optionalString(p, t, field, 64, ASCII);
                break;
            case "remit_bank_code":
                inv.remitBankCode = optionalString(p, t, field, 32, ASCII);
                break;
            case "po_number":
                inv.poNumber = optionalString(p, t, field, 64, ID);
                break;
            case "due_date":
                String due = optionalString(p, t, field, 10, ID);
                inv.dueDate = due == null ? null : date(due, field);
                break;
            case "description":
                inv.description = optionalString(p, t, field, 4000, TEXT);
                break;
            case "source":
                inv.source = optionalString(p, t, field, 64, ID);
                break;
            case "extraction_confidence":
                inv.extractionConfidence = confidence(p, t);
                break;
            default:
                throw new IllegalStateException("not a field of the schema: " + field); // fieldBit is 0
        }
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

    // ------------------------------------------------------------------------------ strings

    private static String requiredString(JsonParser p, JsonToken t, String field, int maxLength, int kind)
            throws IOException, InvalidInvoiceException {
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' must be a string, was " + describe(t));
        }
        String value = p.getText();
        if (value.isEmpty()) {
            throw new InvalidInvoiceException("field '" + field + "' must not be empty");
        }
        return checkString(value, field, maxLength, kind);
    }

    private static String optionalString(JsonParser p, JsonToken t, String field, int maxLength, int kind)
            throws IOException, InvalidInvoiceException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' must be a string or null, was " + describe(t));
        }
        return checkString(p.getText(), field, maxLength, kind);
    }

    /**
     * One pass over the characters: the length in characters (code points, as the schema's
     * maxLength counts), no unpaired surrogate (not Unicode; the JSON writer refuses it), no NUL
     * (PostgreSQL refuses it in text), and for ids no control character at all.
     */
    static String checkString(String value, String field, int maxLength, int kind) throws InvalidInvoiceException {
        int n = value.length();
        int codePoints = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            codePoints++;
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
                if (kind != TEXT || c == 0) {
                    throw new InvalidInvoiceException(String.format(
                            "field '%s' contains a control character (U+%04X)", field, (int) c));
                }
            } else if (kind == ASCII && c > 0x7E) {
                throw new InvalidInvoiceException(String.format(
                        "field '%s' may contain only printable ASCII characters (found U+%04X)", field, (int) c));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new InvalidInvoiceException(String.format(
                            "field '%s' contains an unpaired surrogate (U+%04X)", field, (int) c));
                }
            }
        }
        if (codePoints > maxLength) {
            throw new InvalidInvoiceException(
                    "field '" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    /** {@code [A-Za-z0-9._-]}: no key separator can occur in a tenant id. */
    private static String tenant(String value) throws InvalidInvoiceException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-')) {
                throw new InvalidInvoiceException(String.format(
                        "field 'tenant_id' may contain only A-Z, a-z, 0-9, '.', '_' and '-' (found U+%04X)", (int) c));
            }
        }
        return value;
    }

    /** Bytes of the string in UTF-8 (a checked string: surrogates come in pairs). */
    static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    // ------------------------------------------------------------------------------ values

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
            if (value.length() >= 20 && value.charAt(16) == ':' && value.startsWith("60", 17)
                    && Rfc3339.instant(value.substring(0, 17) + "59" + value.substring(19)) != null) {
                throw new InvalidInvoiceException(
                        "field '" + field + "' has second 60 (a leap second), which is not supported: '" + value + "'");
            }
            throw new InvalidInvoiceException(
                    "field '" + field + "' is not an RFC 3339 date-time with offset: '" + value + "'");
        }
        if (instant.getNano() % 1000 != 0) {
            throw new InvalidInvoiceException("field '" + field
                    + "' has more than 6 fraction digits (microseconds are kept): '" + value + "'");
        }
        return instant;
    }

    private static BigDecimal amount(JsonParser p, JsonToken t) throws IOException, InvalidInvoiceException {
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            BigDecimal value;
            try {
                value = p.getDecimalValue();
            } catch (StreamConstraintsException e) {
                throw new InvalidInvoiceException("field 'amount' is a number of more than 64 characters");
            }
            return checkAmount(value, p.getText());
        }
        if (t == JsonToken.VALUE_STRING) {
            String raw = p.getText();
            if (raw.length() > 64) {
                throw new InvalidInvoiceException("field 'amount' is longer than 64 characters");
            }
            String text = trimBlanks(raw);
            if (!isPlainDecimal(text)) {
                throw new InvalidInvoiceException("field 'amount' is not a decimal: '" + raw + "'");
            }
            return checkAmount(new BigDecimal(text), text);
        }
        throw new InvalidInvoiceException("field 'amount' must be a string or a number, was " + describe(t));
    }

    private static BigDecimal checkAmount(BigDecimal value, String text) throws InvalidInvoiceException {
        BigDecimal significant = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
        if (significant.scale() > 4) {
            throw new InvalidInvoiceException(
                    "field 'amount' has more than 4 decimals (PostgreSQL keeps numeric(20,4)): '" + text + "'");
        }
        if (significant.precision() - significant.scale() > 15) {
            throw new InvalidInvoiceException("field 'amount' has more than 15 integer digits: '" + text + "'");
        }
        return value;
    }

    private static String trimBlanks(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    /** -?digits(.digits)? : no exponent, no grouping separators, no sign other than a leading minus. */
    static boolean isPlainDecimal(String s) {
        int n = s.length();
        int i = 0;
        if (i < n && s.charAt(i) == '-') {
            i++;
        }
        int digits = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
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

    /**
     * A stable trace id per (tenant, invoice): a re-delivery or restart traces to the same id. The
     * tenant id cannot contain U+001F, so the pair maps to one input only; a version-8 UUID from a
     * 128-bit MurmurHash3 ({@link TraceIds}; until 0.1.0 a version-3 MD5 UUID).
     */
    public static String traceId(String tenantId, String invoiceId) {
        return TraceIds.of(tenantId, invoiceId);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static boolean isBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------------------ raw payloads

    /** The offset of the first byte that is not part of valid UTF-8 in {@code buf[off, off + len)}, or -1. */
    static int firstMalformed(byte[] buf, int off, int len) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(buf, off, len);
        CharBuffer out = CharBuffer.allocate(Math.max(16, len));
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            return in.position() - off;
        }
        r = decoder.flush(out);
        return r.isError() ? in.position() - off : -1;
    }

    /** How many chars the valid UTF-8 {@code buf[off, off + bytes)} decodes to. */
    private static int charsBefore(byte[] buf, int off, int bytes) {
        return new String(buf, off, bytes, StandardCharsets.UTF_8).length();
    }

    /** The top-level field whose value holds the character at {@code index} of {@code json}, if any. */
    private static String fieldAt(String json, int index) {
        try (JsonParser p = new JsonFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String field;
            while ((field = p.nextFieldName()) != null) {
                p.nextToken();
                long start = p.currentTokenLocation().getCharOffset();
                p.skipChildren();
                p.finishToken();
                long end = p.currentLocation().getCharOffset();
                if (index >= start && index < end) {
                    return field;
                }
                if (start > index) {
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the field name itself, or the structure around it, is what is broken
        }
        return null;
    }

    /**
     * The raw payload of a dead letter: the text as received, except that bytes which are not UTF-8,
     * and NUL, are written {@code \xNN}, and that it is cut at {@link #MAX_RAW_CHARS} characters
     * (marker {@link DeadLetter#truncationMarker}) when longer.
     */
    static String escapedText(byte[] buf, int off, int len, long totalLength) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(buf, off, len);
        CharBuffer chunk = CharBuffer.allocate(Math.max(16, Math.min(len, 4 * MAX_RAW_CHARS)));
        StringBuilder out = new StringBuilder(Math.min(len, MAX_RAW_CHARS) + 16);
        boolean whole = len == totalLength;
        while (out.length() <= MAX_RAW_CHARS) {
            CoderResult r = decoder.decode(in, chunk, whole);
            chunk.flip();
            out.append(chunk);
            chunk.clear();
            if (r.isError()) {
                for (int k = 0; k < r.length(); k++) {
                    out.append(String.format("\\x%02X", in.get() & 0xFF));
                }
            } else if (r.isUnderflow()) {
                break; // all read (a prefix's incomplete last character is dropped)
            }
        }
        return rawOf(out.toString(), totalLength);
    }

    /**
     * {@code text} as a dead letter's raw: NUL written {@code \x00}, an unpaired surrogate (only
     * possible for a payload handed over as a String) as U+FFFD, cut with the marker when longer than
     * {@link #MAX_RAW_CHARS}. {@code totalBytes} is the payload's length for the marker (-1: unknown).
     */
    public static String rawOf(String text, long totalBytes) {
        if (text == null) {
            return "";
        }
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == n && n <= MAX_RAW_CHARS) {
            return text; // the common case: nothing to escape, nothing to cut
        }
        StringBuilder out = new StringBuilder(Math.min(n, MAX_RAW_CHARS) + 8);
        out.append(text, 0, Math.min(i, MAX_RAW_CHARS + 1));
        int j = out.length();
        for (; j < n && out.length() <= MAX_RAW_CHARS; j++) {
            char c = text.charAt(j);
            if (c == 0) {
                out.append("\\x00");
            } else if (Character.isHighSurrogate(c) && j + 1 < n && Character.isLowSurrogate(text.charAt(j + 1))) {
                out.append(c).append(text.charAt(++j));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        if (j >= n && out.length() <= MAX_RAW_CHARS) {
            return out.toString();
        }
        // cut, never inside a surrogate pair, and end with the marker
        String marker = DeadLetter.truncationMarker(totalBytes >= 0 ? totalBytes : utf8Bytes(text));
        int cut = MAX_RAW_CHARS - marker.length();
        if (Character.isHighSurrogate(out.charAt(cut - 1))) {
            cut--;
        }
        out.setLength(cut);
        return out.append(marker).toString();
    }

    private static long utf8Bytes(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
