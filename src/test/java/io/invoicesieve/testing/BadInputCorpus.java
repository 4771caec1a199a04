package io.invoicesieve.testing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A hostile corpus of input lines, generated: a few hundred kinds of bad input (encodings, control
 * characters, structure, every field's type and limits, huge lines, duplicate keys, line endings,
 * byte order marks) and the valid lines around them that must come through unaltered. Each case
 * says what it must become: a decision carrying exactly the given values, a dead letter whose reason
 * contains the given text (the field's name, where a field is at fault), or a skipped blank line.
 *
 * <p>{@link #fileBytes} joins the cases into one JSON-lines file (line {@code i + 1} is case
 * {@code i}; a case may end its line with CRLF); {@link Case#kafkaValue} is the record for Kafka.
 */
public final class BadInputCorpus {

    private static final JsonFactory JSON = new JsonFactory();
    public static final Instant BASE = Instant.parse("2026-03-02T09:00:00Z");
    private static final String EMOJI = "\uD83D\uDE00";

    /** One line of the corpus and what it must become. */
    public static final class Case {
        public final String name;
        /** The line's bytes, without its line end. */
        public final byte[] bytes;
        /** The line end in a file: "\n" or "\r\n". */
        public final String lineEnd;
        /** Null for a valid or blank line; else a text the dead letter's reason must contain. */
        public final String reason;
        /** Valid lines: the decision's expected values (tenant_id, invoice_id, ..., amount as a decimal). */
        public final Map<String, Object> expected;
        public final boolean blank;

        Case(String name, byte[] bytes, String lineEnd, String reason, Map<String, Object> expected, boolean blank) {
            this.name = name;
            this.bytes = bytes;
            this.lineEnd = lineEnd;
            this.reason = reason;
            this.expected = expected;
            this.blank = blank;
        }

        public boolean valid() {
            return expected != null;
        }

        /** As a Kafka record value: the line (a Kafka record has no line end). */
        public byte[] kafkaValue() {
            return bytes;
        }

        /** The key of the decision: tenant_id:invoice_id. */
        public String key() {
            return expected.get("tenant_id") + ":" + expected.get("invoice_id");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A valid invoice, field by field, with the raw JSON of each value. */
    private static final class Inv {
        final Map<String, String> raw = new LinkedHashMap<>();
        final Map<String, Object> expected = new LinkedHashMap<>();

        Inv set(String field, String value) {
            raw.put(field, str(value));
            expected.put(field, value);
            return this;
        }

        /** A field's raw JSON text and the value the decision must carry. */
        Inv raw(String field, String rawJson, Object expectedValue) {
            raw.put(field, rawJson);
            if (expectedValue == null) {
                expected.remove(field);
            } else {
                expected.put(field, expectedValue);
            }
            return this;
        }

        Inv remove(String field) {
            raw.remove(field);
            expected.remove(field);
            return this;
        }

        String json() {
            StringBuilder b = new StringBuilder("{");
            raw.forEach((k, v) -> {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append('"').append(k).append("\":").append(v);
            });
            return b.append('}').toString();
        }

        /** The JSON with a piece appended inside the object (more fields, duplicates, ...). */
        String jsonWith(String extra) {
            String j = json();
            return j.substring(0, j.length() - 1) + extra + "}";
        }
    }

    private final List<Case> cases = new ArrayList<>();
    private int next;

    private BadInputCorpus() {}

    /** The corpus; {@code now} is the wall clock the future-skew cases are relative to. */
    public static List<Case> cases(Instant now) {
        BadInputCorpus c = new BadInputCorpus();
        c.build(now);
        return c.cases;
    }

    /** All cases as one JSON-lines file: line i + 1 is case i. */
    public static byte[] fileBytes(List<Case> cases) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Case c : cases) {
            out.writeBytes(c.bytes);
            out.writeBytes(c.lineEnd.getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------ builders

    private Inv invoice() {
        int n = next++;
        String tenant = n % 2 == 0 ? "acme" : "globex";
        Instant eventTime = BASE.plus(Duration.ofMinutes(7L * n));
        Inv inv = new Inv();
        inv.set("tenant_id", tenant);
        inv.set("invoice_id", String.format(Locale.ROOT, "fz-%04d", n));
        inv.set("vendor_id", "V-" + (100 + n % 13));
        inv.set("invoice_number", String.format(Locale.ROOT, "INV-FZ-%05d", n));
        inv.set("invoice_date", eventTime.toString().substring(0, 10));
        inv.raw("event_time", str(eventTime.toString()), eventTime);
        inv.raw("amount", str(String.format(Locale.ROOT, "%d.%02d", 100 + n * 37 % 900, n % 100)),
                new BigDecimal(String.format(Locale.ROOT, "%d.%02d", 100 + n * 37 % 900, n % 100)));
        inv.set("currency", "EUR");
        inv.set("remit_account", "DE89370400440532013" + String.format(Locale.ROOT, "%03d", n % 7));
        inv.set("source", "edi");
        return inv;
    }

    private void valid(String name, Inv inv) {
        validLine(name, inv.json(), inv, "\n");
    }

    private void validLine(String name, String line, Inv inv, String lineEnd) {
        validBytes(name, line.getBytes(StandardCharsets.UTF_8), inv, lineEnd);
    }

    private void validBytes(String name, byte[] bytes, Inv inv, String lineEnd) {
        cases.add(new Case(name, bytes, lineEnd, null, new LinkedHashMap<>(inv.expected), false));
    }

    private void bad(String name, String line, String reason) {
        badBytes(name, line.getBytes(StandardCharsets.UTF_8), reason);
    }

    private void badBytes(String name, byte[] bytes, String reason) {
        cases.add(new Case(name, bytes, "\n", reason, null, false));
    }

    private void blank(String name, String line) {
        cases.add(new Case(name, line.getBytes(StandardCharsets.UTF_8), "\n", null, null, true));
    }

    private static String str(String value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The invoice's JSON with the string value of {@code field} replaced by raw bytes inside its quotes. */
    private static byte[] withBytesIn(Inv inv, String field, byte[] inside) {
        String json = inv.json();
        String marker = "\"" + field + "\":";
        int start = json.indexOf(marker) + marker.length();
        int end = json.indexOf('"', start + 1);
        return concat(utf8(json.substring(0, start + 1)), utf8(json.substring(start + 1, end)), inside,
                utf8(json.substring(end)));
    }

    // ------------------------------------------------------------------------------ the corpus

    private void build(Instant now) {
        // A byte order mark at the start of the file: the first invoice is not lost.
        Inv first = invoice();
        validBytes("BOM at the start of the file", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(first.json())), first, "\n");

        valid("plain", invoice());
        Inv crlf = invoice();
        validLine("CRLF line end", crlf.json(), crlf, "\r\n");
        Inv cr = invoice();
        validLine("bare CR between tokens", cr.jsonWith(",\r\"po_number\":\"PO-1\""), cr, "\n");
        Inv cr2 = invoice();
        validLine("bare CR before the end and CRLF", cr2.json() + "\r", cr2, "\r\n");
        valid("null optionals", invoice().raw("remit_account", "null", null).raw("source", "null", null)
                .raw("po_number", "null", null).raw("due_date", "null", null).raw("description", "null", null)
                .raw("extraction_confidence", "null", null).raw("remit_bank_code", "null", null));
        valid("no optionals", invoice().remove("remit_account").remove("source"));
        valid("amount as a number", invoice().raw("amount", "1250.5", new BigDecimal("1250.5")));
        valid("amount as an integer", invoice().raw("amount", "42", new BigDecimal("42")));
        valid("amount as an exponent number", invoice().raw("amount", "1.25e3", new BigDecimal("1250")));
        valid("amount with blanks", invoice().raw("amount", "\" 99.10 \"", new BigDecimal("99.10")));
        valid("amount with a tab", invoice().raw("amount", "\"\\t99.10\"", new BigDecimal("99.10")));
        valid("amount 15 integer digits", invoice().raw("amount", "\"999999999999999.9999\"", new BigDecimal("999999999999999.9999")));
        valid("amount trailing zeros", invoice().raw("amount", "\"12.500000\"", new BigDecimal("12.500000")));
        valid("amount leading zeros", invoice().raw("amount", "\"0012.50\"", new BigDecimal("12.50")));
        valid("credit note", invoice().raw("amount", "\"-310.00\"", new BigDecimal("-310.00")));
        valid("zero amount", invoice().raw("amount", "\"0.00\"", new BigDecimal("0.00")));
        valid("event time with offset", invoice().raw("event_time", "\"2026-03-05T10:15:00+01:00\"", Instant.parse("2026-03-05T09:15:00Z")));
        valid("event time microseconds", invoice().raw("event_time", "\"2026-03-05T10:15:00.123456Z\"", Instant.parse("2026-03-05T10:15:00.123456Z")));
        valid("event time lower-case t and z", invoice().raw("event_time", "\"2026-03-05t10:15:00z\"", Instant.parse("2026-03-05T10:15:00Z")));
        valid("event time 1970", invoice().raw("event_time", "\"1970-01-01T00:00:00Z\"", Instant.parse("1970-01-01T00:00:00Z")));
        valid("event time a minute ahead", invoice().raw("event_time", str(now.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()), now.plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
        valid("invoice date 0001-01-01", invoice().set("invoice_date", "0001-01-01"));
        valid("invoice date in the calendar gap", invoice().set("invoice_date", "1582-10-10"));
        valid("invoice date 9999-12-31", invoice().set("invoice_date", "9999-12-31"));
        valid("leap day", invoice().set("invoice_date", "2028-02-29"));
        valid("tenant of 64 characters", invoice().set("tenant_id", "t." + "a".repeat(60) + "_-"));
        valid("tenant with dots and digits", invoice().set("tenant_id", "acme.eu-1_2"));
        valid("invoice_id of 128 ASCII characters", invoice().set("invoice_id", "fz-long-" + "x".repeat(120)));
        valid("invoice_id of 111 emoji (444 bytes)", invoice().set("invoice_id", EMOJI.repeat(111)));
        valid("invoice_id with ':' (no tenant has one)", invoice().set("invoice_id", "x:1:" + next));
        valid("invoice_id with '#', '\\\\', quotes", invoice().set("invoice_id", "#a\\b\"c/" + next));
        valid("invoice_id with U+FFFD", invoice().set("invoice_id", "fz-\uFFFD-" + next));
        valid("vendor of 64 emoji", invoice().set("vendor_id", EMOJI.repeat(64)));
        valid("vendor in CJK", invoice().set("vendor_id", "\u4F9B\u5E94\u5546-" + next));
        valid("vendor right-to-left", invoice().set("vendor_id", "\u05E1\u05E4\u05E7-" + next));
        valid("invoice number with escapes", invoice().raw("invoice_number", "\"INV\\u002d\\u0041-" + next + "\"", "INV-A-" + next));
        valid("description of 4000 emoji", invoice().set("description", EMOJI.repeat(4000)));
        valid("description with newline, tab and U+0001", invoice().set("description", "line 1\nline 2\tend\u0001"));
        valid("description with U+2028", invoice().set("description", "a\u2028b"));
        valid("source of 64 characters", invoice().set("source", "s".repeat(64)));
        valid("remit account with separators", invoice().set("remit_account", "DE89 3704-0044.0532/0130"));
        valid("confidence 0", invoice().raw("extraction_confidence", "0", null));
        valid("confidence 1.0", invoice().raw("extraction_confidence", "1.0", null));
        Inv unknown = invoice();
        validLine("unknown fields, nested 31 deep", unknown.jsonWith(",\"custom\":" + "[".repeat(30) + "{\"a\":\"\\u0000\"}" + "]".repeat(30) + ",\"x\":null"), unknown, "\n");
        Inv unknownDup = invoice();
        validLine("unknown array and object fields", unknownDup.jsonWith(",\"tags\":[\"a\",\"b\"],\"meta\":{\"k\":1}"), unknownDup, "\n");
        // A name may recur in sibling objects, and an unknown object may reuse a known field's name.
        Inv siblings = invoice();
        validLine("one name in sibling objects of an unknown field", siblings.jsonWith(
                ",\"lines\":[{\"amount\":1,\"sku\":\"a\"},{\"amount\":2,\"sku\":\"b\"}],\"meta\":{\"meta\":{\"meta\":0}}"), siblings, "\n");
        Inv ws = invoice();
        validLine("whitespace around the object", "  \t" + ws.json() + " \t", ws, "\n");
        Inv key1 = invoice().set("tenant_id", "acme").set("invoice_id", "x:1");
        valid("composite key pair, part 1 (acme + x:1)", key1);
        Inv key2 = invoice().set("tenant_id", "acme.x").set("invoice_id", "1");
        valid("composite key pair, part 2 (acme.x + 1)", key2);
        Inv sep1 = invoice().set("tenant_id", "a").set("vendor_id", "b#c").set("remit_account", "#FZ-SEP");
        valid("account starting with '#'", sep1);
        Inv sep2 = invoice().set("tenant_id", "a").set("invoice_id", "FZ-SEP").remove("remit_account");
        valid("invoice without account whose id the '#' account names", sep2);

        // blank lines: skipped in files
        blank("empty line", "");
        blank("spaces and tabs", "  \t  ");
        blank("a lone CR (CRLF empty line)", "\r");

        // ---------------------------------------------------------------- encodings
        String[] stringFields = {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "currency", "source", "remit_account", "description"};
        byte[][] badSequences = {
            {(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, {(byte) 0x80}, {(byte) 0xE9}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        };
        for (String field : stringFields) {
            for (int k = 0; k < badSequences.length; k += field.equals("invoice_id") ? 1 : 3) {
                Inv inv = invoice();
                if (!inv.raw.containsKey(field)) {
                    inv.set(field, "x");
                }
                badBytes("invalid UTF-8 " + hex(badSequences[k]) + " in " + field, withBytesIn(inv, field, badSequences[k]),
                        "invalid UTF-8");
            }
        }
        badBytes("invalid UTF-8 between tokens", concat(utf8("{\"tenant_id\":\"acme\","), new byte[] {(byte) 0xFF}, utf8("\"invoice_id\":\"x\"}")), "invalid UTF-8");
        badBytes("Latin-1 encoded line", invoice().set("vendor_id", "Soci\u00e9t\u00e9").json().getBytes(StandardCharsets.ISO_8859_1), "invalid UTF-8");
        badBytes("UTF-16LE encoded line", invoice().json().getBytes(StandardCharsets.UTF_16LE), "not valid JSON");
        badBytes("UTF-16 with BOM", invoice().json().getBytes(StandardCharsets.UTF_16), "invalid UTF-8");
        badBytes("BOM twice", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, (byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, utf8(invoice().json())), "not valid JSON");
        Inv zwnbsp = invoice().set("vendor_id", "V-\uFEFF");
        validBytes("U+FEFF inside a value (a character, not a BOM)", utf8(zwnbsp.json()), zwnbsp, "\n");
        // two different ids that a lenient decoder would collapse into one
        badBytes("0xFF in an id (would become U+FFFD)", withBytesIn(invoice().set("invoice_id", "fz-collide-"), "invoice_id", new byte[] {(byte) 0xFF}), "in field 'invoice_id'");
        badBytes("0xFE in the same id", withBytesIn(invoice().set("invoice_id", "fz-collide-"), "invoice_id", new byte[] {(byte) 0xFE}), "in field 'invoice_id'");

        // ---------------------------------------------------------------- control characters
        String[] idFields = {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "po_number", "source", "remit_account", "remit_bank_code", "currency", "invoice_date", "event_time"};
        String[] controls = {"\\u0000", "\\u0001", "\\u001f", "\\u001e", "\\u007f", "\\u0085", "\\n", "\\t"};
        for (String field : idFields) {
            for (int k = 0; k < controls.length; k += (field.equals("tenant_id") || field.equals("invoice_id") || field.equals("vendor_id")) ? 1 : 3) {
                Inv inv = invoice();
                String value = field.equals("currency") ? "EU" : "x";
                String reason = field.equals("tenant_id") ? "field 'tenant_id'" : "field '" + field + "'";
                inv.raw(field, "\"" + value + controls[k] + "\"", null);
                bad(controls[k] + " in " + field, inv.json(), reason);
            }
            Inv raw = invoice();
            badBytes("raw control byte 0x01 in " + field, withBytesIn(raw.raw.containsKey(field) ? raw : raw.set(field, "x"), field, new byte[] {1}),
                    "not valid JSON in field '" + field + "'");
        }
        bad("NUL in description", invoice().raw("description", "\"a\\u0000b\"", null).json(), "field 'description'");
        badBytes("raw NUL byte in the line", concat(utf8("{\"tenant_id\":\"acme\""), new byte[] {0}, utf8("}")), "not valid JSON");
        badBytes("raw NUL byte after the object", concat(utf8(invoice().json()), new byte[] {0}), "trailing content");
        for (String field : new String[] {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "description", "source", "po_number"}) {
            bad("unpaired high surrogate in " + field, invoice().raw(field, "\"a\\ud800b\"", null).json(), "field '" + field + "'");
            bad("unpaired low surrogate in " + field, invoice().raw(field, "\"a\\udc00\"", null).json(), "field '" + field + "'");
        }
        bad("reversed surrogate pair in vendor_id", invoice().raw("vendor_id", "\"\\ude00\\ud83d\"", null).json(), "field 'vendor_id'");
        bad("tenant with a colon", invoice().set("tenant_id", "acme:x").json(), "field 'tenant_id'");
        bad("tenant with U+001F (key separator)", invoice().raw("tenant_id", "\"a\\u001fb\"", null).json(), "field 'tenant_id'");
        bad("tenant with a slash", invoice().set("tenant_id", "acme/x").json(), "field 'tenant_id'");
        bad("tenant with a space", invoice().set("tenant_id", "ac me").json(), "field 'tenant_id'");
        bad("tenant with a non-ASCII letter", invoice().set("tenant_id", "acm\u00e9").json(), "field 'tenant_id'");
        bad("tenant with a comma", invoice().set("tenant_id", "acme,globex").json(), "field 'tenant_id'");
        bad("vendor with U+001F (key separator)", invoice().raw("vendor_id", "\"b\\u001fc\"", null).json(), "field 'vendor_id'");
        bad("remit account non-ASCII", invoice().set("remit_account", "DE89\u00e9").json(), "field 'remit_account'");
        bad("remit account emoji", invoice().set("remit_account", "DE89" + EMOJI).json(), "field 'remit_account'");

        // ---------------------------------------------------------------- structure
        bad("not JSON", "this is not json", "not valid JSON");
        bad("html error page", "<html><body>502 Bad Gateway</body></html>", "not valid JSON");
        bad("array", "[" + invoice().json() + "]", "not a JSON object");
        bad("string", "\"invoice\"", "not a JSON object");
        bad("number", "42", "not a JSON object");
        bad("null", "null", "not a JSON object");
        bad("true", "true", "not a JSON object");
        bad("empty object", "{}", "missing required field 'tenant_id'");
        String whole = invoice().json();
        bad("truncated", whole.substring(0, whole.length() / 2), "not valid JSON");
        bad("unclosed object", whole.substring(0, whole.length() - 1), "not valid JSON");
        bad("two objects", whole + whole, "trailing content");
        bad("two objects with a space", whole + " {}", "trailing content");
        bad("trailing garbage", whole + " x", "trailing content");
        bad("trailing comma", invoice().jsonWith(","), "not valid JSON");
        bad("comment", invoice().jsonWith(" /* c */"), "not valid JSON");
        bad("single quotes", invoice().json().replace("\"currency\":\"EUR\"", "'currency':'EUR'"), "not valid JSON");
        bad("unquoted key", invoice().json().replace("\"currency\":", "currency:"), "not valid JSON");
        bad("NaN amount", invoice().raw("amount", "NaN", null).json(), "in field 'amount'");
        bad("Infinity confidence", invoice().raw("extraction_confidence", "Infinity", null).json(), "in field 'extraction_confidence'");
        bad("leading-zero number", invoice().raw("amount", "0012", null).json(), "in field 'amount'");
        bad("hex number", invoice().raw("amount", "0x10", null).json(), "in field 'amount'");
        bad("nested 33 deep", invoice().jsonWith(",\"custom\":" + "[".repeat(33) + "]".repeat(33)), "nesting depth");
        bad("bad escape", invoice().raw("vendor_id", "\"a\\qb\"", null).json(), "not valid JSON in field 'vendor_id'");
        bad("short unicode escape", invoice().raw("vendor_id", "\"a\\u12\"", null).json(), "not valid JSON in field 'vendor_id'");
        bad("raw tab in a string", invoice().raw("vendor_id", "\"a\tb\"", null).json(), "not valid JSON in field 'vendor_id'");
        bad("bare CR inside a string", invoice().raw("vendor_id", "\"a\rb\"", null).json(), "not valid JSON in field 'vendor_id'");
        bad("vertical tab only", "\u000b", "not valid JSON");
        bad("no-break space only", "\u00a0", "not valid JSON");
        for (String field : new String[] {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "invoice_date", "event_time", "amount", "currency",
                "remit_account", "source", "description", "extraction_confidence", "due_date"}) {
            Inv inv = invoice();
            String value = inv.raw.getOrDefault(field, field.equals("extraction_confidence") ? "0.5" : field.equals("due_date") ? "\"2026-04-01\"" : "\"x\"");
            String extra = ",\"" + field + "\":" + value;
            bad("duplicate " + field, inv.jsonWith(inv.raw.containsKey(field) ? extra : extra + extra), "duplicate field '" + field + "'");
        }
        bad("duplicate unknown field", invoice().jsonWith(",\"notes\":1,\"notes\":2"), "duplicate field 'notes'");
        bad("duplicate inside an unknown object", invoice().jsonWith(",\"meta\":{\"a\":1,\"a\":2}"), "duplicate field 'a'");
        bad("duplicate in an object inside an unknown array", invoice().jsonWith(",\"lines\":[{\"sku\":\"a\"},{\"sku\":\"b\",\"qty\":1,\"sku\":\"c\"}]"), "duplicate field 'sku'");
        bad("duplicate three objects deep", invoice().jsonWith(",\"m\":{\"n\":[[{\"o\":{\"p\":1,\"p\":1}}]]}"), "duplicate field 'p'");
        bad("unknown field then a known field twice", invoice().jsonWith(",\"notes\":{\"currency\":\"EUR\"},\"currency\":\"EUR\""), "duplicate field 'currency'");

        // ---------------------------------------------------------------- every field's type and limits
        String[] required = {"tenant_id", "invoice_id", "vendor_id", "invoice_number", "invoice_date", "event_time", "amount", "currency"};
        for (String field : required) {
            bad("missing " + field, invoice().remove(field).json(), "missing required field '" + field + "'");
            bad("null " + field, invoice().raw(field, "null", null).json(), "field '" + field + "'");
            bad("boolean " + field, invoice().raw(field, "true", null).json(), "field '" + field + "'");
            bad("array " + field, invoice().raw(field, "[\"x\"]", null).json(), "field '" + field + "'");
            bad("object " + field, invoice().raw(field, "{\"x\":1}", null).json(), "field '" + field + "'");
            if (!field.equals("amount")) {
                bad("number " + field, invoice().raw(field, "12", null).json(), "field '" + field + "'");
            }
            bad("empty " + field, invoice().raw(field, "\"\"", null).json(), "field '" + field + "'");
        }
        for (String field : new String[] {"remit_account", "remit_bank_code", "po_number", "due_date", "description", "source"}) {
            bad("number " + field, invoice().raw(field, "7", null).json(), "field '" + field + "'");
            bad("object " + field, invoice().raw(field, "{}", null).json(), "field '" + field + "'");
        }
        int[][] lengths = {{0, 64}, {1, 128}, {2, 64}, {3, 64}};
        String[] lengthFields = {"tenant_id", "invoice_id", "vendor_id", "invoice_number"};
        for (int[] l : lengths) {
            String field = lengthFields[l[0]];
            bad(field + " one character too long", invoice().set(field, "a".repeat(l[1] + 1)).json(), "field '" + field + "' is longer than " + l[1]);
        }
        bad("vendor_id of 65 emoji", invoice().set("vendor_id", EMOJI.repeat(65)).json(), "field 'vendor_id' is longer than 64");
        bad("invoice_id of 120 emoji (480 bytes)", invoice().set("invoice_id", EMOJI.repeat(120)).json(), "field 'invoice_id' is longer than 447 bytes");
        bad("description of 4001 characters", invoice().set("description", "d".repeat(4001)).json(), "field 'description' is longer than 4000");
        bad("source of 65 characters", invoice().set("source", "s".repeat(65)).json(), "field 'source' is longer than 64");
        bad("source of 40000 bytes (OpenSearch keyword limit)", invoice().set("source", "s".repeat(40_000)).json(), "field 'source' is longer than 64");
        bad("remit_account of 65", invoice().set("remit_account", "1".repeat(65)).json(), "field 'remit_account' is longer than 64");
        bad("remit_bank_code of 33", invoice().set("remit_bank_code", "B".repeat(33)).json(), "field 'remit_bank_code' is longer than 32");
        bad("po_number of 65", invoice().set("po_number", "P".repeat(65)).json(), "field 'po_number' is longer than 64");
        for (String date : new String[] {"2026-02-30", "2026-13-01", "02/11/2026", "2026-1-5", "20260105", "2026-01-05T00:00:00Z", " 2026-01-05", "+12026-01-05"}) {
            bad("invoice_date " + date, invoice().set("invoice_date", date).json(), "field 'invoice_date'");
        }
        bad("due_date invalid", invoice().set("due_date", "2026-02-30").json(), "field 'due_date'");
        for (String time : new String[] {"2026-03-02T09:00:00", "2026-03-02 09:00:00Z", "2026-03-02T24:00:00Z", "2026-03-02T09:60:00Z",
                "2026-03-02T09:00:00+19:00", "2026-03-02T09:00:00.Z", "2026-03-02T09:00:00.1234567890Z", "2026-03-02T09:00Z", "yesterday",
                "1772442000", "2026-03-02T09:00:00+0100"}) {
            bad("event_time " + time, invoice().set("event_time", time).json(), "field 'event_time'");
        }
        bad("event_time leap second", invoice().set("event_time", "2016-12-31T23:59:60Z").json(), "field 'event_time' has second 60");
        bad("event_time nanoseconds", invoice().set("event_time", "2026-03-02T09:00:00.123456789Z").json(), "field 'event_time' has more than 6 fraction digits");
        bad("event_time 9999-12-31", invoice().set("event_time", "9999-12-31T23:59:59Z").json(), "field 'event_time' is ahead of the clock");
        bad("event_time a day ahead", invoice().set("event_time", now.plus(Duration.ofDays(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).json(), "field 'event_time' is ahead of the clock");
        for (String amount : new String[] {"\"1,250.00\"", "\"1e3\"", "\"twelve\"", "\"+12\"", "\".5\"", "\"5.\"", "\" \"", "\"1 000\"",
                "\"\\u0661\\u0662\"", "\"12.5\\u0000\"", "\"12.5\\ud800\"", "\"\\udc00\"", "\"0x10\"", "\"-\"", "\"--1\""}) {
            bad("amount " + amount, invoice().raw("amount", amount, null).json(), "field 'amount'");
        }
        bad("amount 16 integer digits", invoice().raw("amount", "\"1234567890123456\"", null).json(), "field 'amount' has more than 15 integer digits");
        bad("amount 16 integer digits as a number", invoice().raw("amount", "1234567890123456", null).json(), "field 'amount' has more than 15 integer digits");
        bad("amount 5 decimals", invoice().raw("amount", "\"12.12345\"", null).json(), "field 'amount' has more than 4 decimals");
        bad("amount 5 decimals as a number", invoice().raw("amount", "0.00001", null).json(), "field 'amount' has more than 4 decimals");
        bad("amount a number of 70 characters", invoice().raw("amount", "1." + "0".repeat(68), null).json(), "field 'amount' is a number of more than 64");
        bad("amount a string of 65 characters", invoice().raw("amount", "\"" + "0".repeat(61) + "1.00\"", null).json(), "field 'amount' is longer than 64");
        for (String currency : new String[] {"eur", "EURO", "EU", "E1R", "\u00c9UR"}) {
            bad("currency " + currency, invoice().set("currency", currency).json(), "field 'currency'");
        }
        for (String confidence : new String[] {"-0.1", "1.1", "\"0.5\"", "true", "[]"}) {
            bad("confidence " + confidence, invoice().raw("extraction_confidence", confidence, null).json(), "field 'extraction_confidence'");
        }

        // ---------------------------------------------------------------- huge lines
        bad("line of 70 KiB", invoice().jsonWith(",\"notes\":\"" + "n".repeat(70_000) + "\""), "record longer than 65536 bytes");
        bad("line of 1 MB", invoice().jsonWith(",\"notes\":\"" + "n".repeat(1_000_000) + "\""), "record longer than 65536 bytes");
        bad("line of 200 KB of NUL escapes", invoice().jsonWith(",\"notes\":\"" + "\\u0000".repeat(35_000) + "\""), "record longer than 65536 bytes");
        badBytes("line of 300 KB of invalid bytes", concat(utf8("{\"notes\":\""), repeat((byte) 0xFF, 300_000), utf8("\"}")), "record longer than 65536 bytes");
        Inv full = invoice();
        validLine("line of exactly 65536 bytes", padTo(full, 65_536), full, "\n");
        bad("line of 65537 bytes", padTo(invoice(), 65_537), "record longer than 65536 bytes");

        valid("plain, last", invoice());
    }

    /** An invoice padded with an unknown field to exactly {@code bytes} bytes. */
    private static String padTo(Inv inv, int bytes) {
        String base = inv.jsonWith(",\"pad\":\"\"");
        return inv.jsonWith(",\"pad\":\"" + "p".repeat(bytes - base.length()) + "\"");
    }

    private static byte[] repeat(byte b, int n) {
        byte[] out = new byte[n];
        java.util.Arrays.fill(out, b);
        return out;
    }

    private static String hex(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            b.append(String.format("%02X", x & 0xFF));
        }
        return b.toString();
    }

    /** The expected event_time of a valid case as an Instant (it may be given with an offset). */
    public static Instant instant(Object value) {
        return value instanceof Instant ? (Instant) value : OffsetDateTime.parse(value.toString()).toInstant();
    }
}
