package io.invoicesieve.tools.generator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class InvoiceGeneratorTest {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern CURRENCY = Pattern.compile("^[A-Z]{3}$");
    private static final String[] REQUIRED = {
        "tenant_id", "invoice_id", "vendor_id", "invoice_number", "invoice_date", "event_time", "amount", "currency"
    };
    private static final Path DIR = Path.of("target", "generator-test");

    /** One line of invoices.jsonl with its truth row; json is null for lines that are not valid. */
    private record Row(int line, String text, JsonNode json, String id, String tenant, String vendor,
                       TruthKind kind, String originalId, String otherVendor, boolean lowConfidence,
                       boolean late, boolean replay, Instant eventTime) {

        BigDecimal amount() {
            return new BigDecimal(json.get("amount").asText());
        }

        String text(String field) {
            JsonNode n = json.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    private static GeneratorConfig config;
    private static InvoiceGenerator.Stats stats;
    private static Path jsonl;
    private static Path truth;
    private static List<Row> rows;
    /** First (non-replay) valid row per invoice id. */
    private static Map<String, Row> byId;

    @BeforeAll
    static void generateDefault() throws IOException {
        // the original shapes only (the AP-ledger shapes add invoices on top of --invoices; own test below)
        config = originalShapes(GeneratorConfig.builder()).build();
        jsonl = DIR.resolve("a/invoices.jsonl");
        truth = DIR.resolve("a/truth.csv");
        stats = new InvoiceGenerator().generate(config, jsonl, truth);
        rows = read(jsonl, truth);
        byId = new HashMap<>();
        for (Row r : rows) {
            if (r.json() != null && !r.replay()) {
                assertThat(byId.put(r.id(), r)).as("invoice_id %s used twice", r.id()).isNull();
            }
        }
    }

    static GeneratorConfig.Builder originalShapes(GeneratorConfig.Builder b) {
        return b.twinVendorRate(0).dupCrossVendorRate(0).highVolumeVendorRate(0).reversalRate(0)
                .partialCreditDupRate(0).dupCreditNoteRate(0);
    }

    static final Set<TruthKind> AP_LEDGER_KINDS = Set.of(TruthKind.HIGH_VOLUME, TruthKind.REENTRY,
            TruthKind.DUP_CROSS_VENDOR, TruthKind.DUP_CREDIT_NOTE, TruthKind.DUP_AFTER_REVERSAL,
            TruthKind.DUP_AFTER_PARTIAL_CREDIT);

    @Test
    void theApLedgerShapesComeOnTopOfTheInvoices() throws IOException {
        GeneratorConfig small = originalShapes(GeneratorConfig.builder().invoices(3000).seed(5)).build();
        Path a = DIR.resolve("orig-a");
        new InvoiceGenerator().generate(small, a.resolve("i.jsonl"), a.resolve("t.csv"));
        GeneratorConfig on = GeneratorConfig.builder().invoices(3000).seed(5).build();
        Path b = DIR.resolve("orig-b");
        InvoiceGenerator.Stats withShapes = new InvoiceGenerator().generate(on, b.resolve("i.jsonl"), b.resolve("t.csv"));
        assertThat(withShapes.invoices()).isGreaterThan(3000);
        assertThat(withShapes.count(TruthKind.DUP_EXACT)).isGreaterThanOrEqualTo(30);
    }

    @Test
    void apLedgerShapesCarryTheirGroundTruth() throws IOException {
        GeneratorConfig cfg = GeneratorConfig.builder().invoices(15_000).seed(77).twinVendorRate(0.03)
                .highVolumeVendorRate(0.02).reversalRate(0.005).dupCreditNoteRate(0.003).build();
        Path d = DIR.resolve("ap");
        InvoiceGenerator.Stats s = new InvoiceGenerator().generate(cfg, d.resolve("invoices.jsonl"), d.resolve("truth.csv"));
        List<Row> all = read(d.resolve("invoices.jsonl"), d.resolve("truth.csv"));
        Map<String, Row> ids = new HashMap<>();
        for (Row r : all) {
            if (r.json() != null && !r.replay()) {
                ids.put(r.tenant() + "/" + r.id(), r);
            }
        }
        for (TruthKind k : AP_LEDGER_KINDS) {
            assertThat(s.count(k)).as("lines of kind %s", k).isPositive();
        }
        Map<String, Set<String>> pricesByVendor = new HashMap<>();
        for (Row r : ids.values()) {
            Row o = r.originalId() == null || r.originalId().isEmpty() ? null : ids.get(r.tenant() + "/" + r.originalId());
            switch (r.kind()) {
                case DUP_CROSS_VENDOR -> {
                    assertThat(o.vendor()).as("line %d", r.line()).isNotEqualTo(r.vendor());
                    assertThat(o.tenant()).isEqualTo(r.tenant());
                    assertThat(r.text("remit_account")).isNotNull().isEqualTo(o.text("remit_account"));
                    assertThat(r.amount()).isEqualByComparingTo(o.amount());
                    assertThat(r.eventTime()).isAfter(o.eventTime());
                    long days = Math.abs(LocalDate.parse(r.text("invoice_date")).toEpochDay()
                            - LocalDate.parse(o.text("invoice_date")).toEpochDay());
                    assertThat(days).isLessThanOrEqualTo(3);
                }
                case REENTRY -> {
                    // its original was reversed by a credit note of the full amount, which arrived before it
                    Row credit = ids.values().stream().filter(c -> c.kind() == TruthKind.CREDIT_NOTE
                            && o.id().equals(c.originalId()) && c.amount().negate().compareTo(o.amount()) == 0)
                            .findFirst().orElse(null);
                    assertThat(credit).as("full credit note of %s", o.id()).isNotNull();
                    assertThat(credit.eventTime()).isBefore(r.eventTime());
                    assertThat(credit.text("description")).contains(o.text("invoice_number"));
                }
                case DUP_AFTER_REVERSAL -> {
                    assertThat(o.kind()).isEqualTo(TruthKind.REENTRY);
                    assertThat(r.text("invoice_number")).isEqualTo(o.text("invoice_number"));
                    assertThat(r.amount()).isEqualByComparingTo(o.amount());
                    assertThat(r.eventTime()).isAfter(o.eventTime());
                }
                case DUP_AFTER_PARTIAL_CREDIT -> {
                    assertThat(r.text("invoice_number")).isEqualTo(o.text("invoice_number"));
                    assertThat(ids.values().stream().anyMatch(c -> c.kind() == TruthKind.CREDIT_NOTE
                            && o.id().equals(c.originalId()) && c.amount().negate().compareTo(o.amount()) < 0
                            && c.eventTime().isBefore(r.eventTime()))).as("partial credit before line %d", r.line()).isTrue();
                }
                case DUP_CREDIT_NOTE -> {
                    assertThat(o.kind()).isEqualTo(TruthKind.CREDIT_NOTE);
                    assertThat(r.amount()).isNegative().isEqualByComparingTo(o.amount());
                    assertThat(r.vendor()).isEqualTo(o.vendor());
                }
                case HIGH_VOLUME -> pricesByVendor.computeIfAbsent(r.tenant() + "/" + r.vendor(), k -> new HashSet<>())
                        .add(r.amount().toPlainString());
                default -> {
                }
            }
        }
        // most of a high-volume supplier's invoices are at a few price points: far fewer distinct amounts
        for (Map.Entry<String, Set<String>> e : pricesByVendor.entrySet()) {
            long n = ids.values().stream().filter(r -> r.kind() == TruthKind.HIGH_VOLUME
                    && e.getKey().equals(r.tenant() + "/" + r.vendor())).count();
            if (n > 200) {
                assertThat((double) e.getValue().size() / n).as(e.getKey()).isLessThan(0.4);
            }
        }
    }

    private static List<Row> read(Path jsonl, Path truth) throws IOException {
        List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        List<String> truthLines = Files.readAllLines(truth, StandardCharsets.UTF_8);
        assertThat(truthLines.get(0)).isEqualTo(
                "line,invoice_id,tenant_id,vendor_id,kind,original_invoice_id,other_vendor_id,low_confidence,late,replay");
        assertThat(truthLines).hasSize(lines.size() + 1);
        List<Row> result = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] c = truthLines.get(i + 1).split(",", -1);
            assertThat(c).as("truth row %d", i + 1).hasSize(10);
            assertThat(Integer.parseInt(c[0])).isEqualTo(i + 1);
            TruthKind kind = TruthKind.valueOf(c[4]);
            JsonNode parsed = parse(lines.get(i));
            String violation = violation(parsed);
            if (kind == TruthKind.MALFORMED) {
                assertThat(violation).as("line %d is labelled MALFORMED but is valid: %s", i + 1, lines.get(i))
                        .isNotNull();
            } else {
                assertThat(violation).as("line %d: %s", i + 1, lines.get(i)).isNull();
            }
            JsonNode json = kind == TruthKind.MALFORMED ? null : parsed;
            Instant event = json == null ? null : OffsetDateTime.parse(json.get("event_time").asText()).toInstant();
            result.add(new Row(i + 1, lines.get(i), json, c[1], c[2], c[3], kind, c[5], c[6],
                    Boolean.parseBoolean(c[7]), Boolean.parseBoolean(c[8]), Boolean.parseBoolean(c[9]), event));
        }
        return result;
    }

    private static JsonNode parse(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /** The contract rules; null when the parsed line is a valid invoice event. */
    private static String violation(JsonNode n) {
        if (n == null || !n.isObject()) {
            return "not an object";
        }
        for (String f : REQUIRED) {
            JsonNode v = n.get(f);
            if (v == null || v.isNull()) {
                return "missing " + f;
            }
            if (!f.equals("amount") && (!v.isTextual() || v.asText().isEmpty() || v.asText().length() > 128)) {
                return "bad " + f;
            }
        }
        if (!CURRENCY.matcher(n.get("currency").asText()).matches()) {
            return "bad currency";
        }
        try {
            LocalDate.parse(n.get("invoice_date").asText());
            OffsetDateTime.parse(n.get("event_time").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            JsonNode due = n.get("due_date");
            if (due != null && !due.isNull()) {
                LocalDate.parse(due.asText());
            }
        } catch (RuntimeException e) {
            return "bad date: " + e.getMessage();
        }
        JsonNode amount = n.get("amount");
        if (!amount.isTextual() && !amount.isNumber()) {
            return "amount neither string nor number";
        }
        try {
            new BigDecimal(amount.asText());
        } catch (NumberFormatException e) {
            return "amount not a decimal";
        }
        JsonNode conf = n.get("extraction_confidence");
        if (conf != null && !conf.isNull() && (!conf.isNumber() || conf.asDouble() < 0 || conf.asDouble() > 1)) {
            return "bad extraction_confidence";
        }
        return null;
    }

    @Test
    void sameSeedGivesSameBytesAndAnotherSeedDoesNot() throws IOException {
        Path b = DIR.resolve("b");
        new InvoiceGenerator().generate(config, b.resolve("invoices.jsonl"), b.resolve("truth.csv"));
        assertThat(Files.mismatch(jsonl, b.resolve("invoices.jsonl"))).isEqualTo(-1L);
        assertThat(Files.mismatch(truth, b.resolve("truth.csv"))).isEqualTo(-1L);

        Path c = DIR.resolve("c");
        GeneratorConfig other = config.toBuilder().seed(7).invoices(3_000).build();
        new InvoiceGenerator().generate(other, c.resolve("invoices.jsonl"), c.resolve("truth.csv"));
        new InvoiceGenerator().generate(config.toBuilder().invoices(3_000).build(),
                b.resolve("small.jsonl"), b.resolve("small.csv"));
        assertThat(Files.mismatch(c.resolve("invoices.jsonl"), b.resolve("small.jsonl"))).isNotEqualTo(-1L);
    }

    @Test
    void linesAreUtf8JsonObjectsEndingWithNewline() throws IOException {
        byte[] bytes = Files.readAllBytes(jsonl);
        assertThat(bytes[bytes.length - 1]).isEqualTo((byte) '\n');
        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\r").contains("ü");
        assertThat(rows).allSatisfy(r -> assertThat(r.text()).isNotBlank());
    }

    @Test
    void everyKindIsPresentAndStatsMatchTheTruth() {
        Map<TruthKind, Long> counted = new EnumMap<>(TruthKind.class);
        for (Row r : rows) {
            if (!r.replay()) {
                counted.merge(r.kind(), 1L, Long::sum);
            }
        }
        for (TruthKind k : TruthKind.values()) {
            if (AP_LEDGER_KINDS.contains(k)) {
                continue;
            }
            assertThat(counted.getOrDefault(k, 0L)).as("lines of kind %s", k).isPositive();
            assertThat(stats.count(k)).as("stats of kind %s", k).isEqualTo(counted.get(k));
        }
        assertThat(stats.lines()).isEqualTo(rows.size());
        assertThat(stats.invoices()).isEqualTo(config.invoices()).isEqualTo(byId.size());
        long dups = rows.stream().filter(r -> !r.replay() && r.kind().isDuplicate()).count();
        assertThat((double) dups / config.invoices()).isBetween(0.025, 0.035);
        assertThat(stats.replays()).isEqualTo(rows.stream().filter(Row::replay).count()).isPositive();
        assertThat(stats.lowConfidence()).isPositive();
        assertThat(rows.stream().filter(Row::lowConfidence))
                .allSatisfy(r -> assertThat(r.json().get("extraction_confidence").asDouble()).isLessThan(0.6));
    }

    @Test
    void truthMatchesTheLines() {
        for (Row r : rows) {
            if (r.json() == null) {
                assertThat(r.id() + r.tenant() + r.vendor() + r.originalId()).isEmpty();
                continue;
            }
            assertThat(r.text("invoice_id")).isEqualTo(r.id());
            assertThat(r.text("tenant_id")).isEqualTo(r.tenant());
            assertThat(r.text("vendor_id")).isEqualTo(r.vendor());
            assertThat(r.id()).doesNotContain(",");
        }
    }

    @Test
    void duplicatesPointAtAnEarlierInvoiceOfTheSameVendor() {
        int checked = 0;
        for (Row r : rows) {
            if (r.replay() || !r.kind().isDuplicate()) {
                continue;
            }
            Row o = byId.get(r.originalId());
            assertThat(o).as("original %s of line %d", r.originalId(), r.line()).isNotNull();
            assertThat(o.tenant()).isEqualTo(r.tenant());
            assertThat(o.vendor()).isEqualTo(r.vendor());
            assertThat(o.kind()).isIn(TruthKind.CLEAN, TruthKind.RECURRING);
            Duration gap = Duration.between(o.eventTime(), r.eventTime());
            assertThat(gap).isBetween(Duration.ofMinutes(59), Duration.ofDays(85).plusHours(1));
            assertThat(r.text("currency")).isEqualTo(o.text("currency"));
            switch (r.kind()) {
                case DUP_EXACT -> {
                    assertThat(r.text("invoice_number")).isEqualTo(o.text("invoice_number"));
                    assertThat(r.amount()).isEqualByComparingTo(o.amount());
                    assertThat(r.text("invoice_date")).isEqualTo(o.text("invoice_date"));
                }
                case DUP_REKEYED -> {
                    assertThat(r.text("invoice_number")).isNotEqualTo(o.text("invoice_number"));
                    assertThat(r.amount()).isEqualByComparingTo(o.amount());
                    long days = Math.abs(LocalDate.parse(r.text("invoice_date")).toEpochDay()
                            - LocalDate.parse(o.text("invoice_date")).toEpochDay());
                    assertThat(days).isLessThanOrEqualTo(4);
                }
                case DUP_AMOUNT_TYPO -> {
                    assertThat(r.text("invoice_number")).isEqualTo(o.text("invoice_number"));
                    assertThat(r.amount()).isNotEqualByComparingTo(o.amount());
                    double ratio = r.amount().doubleValue() / o.amount().doubleValue();
                    assertThat(ratio).isBetween(0.5, 2.0);
                }
                default -> {
                    assertThat(r.text("invoice_number")).isNotEqualTo(o.text("invoice_number"));
                    assertThat(r.amount()).isEqualByComparingTo(o.amount());
                    assertThat(r.text("invoice_date")).isEqualTo(o.text("invoice_date"));
                }
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(400);
    }

    @Test
    void replaysRepeatAnEarlierLineByteForByte() {
        Map<String, Row> firstLine = new HashMap<>();
        int replays = 0;
        for (Row r : rows) {
            if (r.json() == null) {
                continue;
            }
            if (r.replay()) {
                Row first = firstLine.get(r.id());
                assertThat(first).as("replay at line %d has no earlier line", r.line()).isNotNull();
                assertThat(r.text()).isEqualTo(first.text());
                assertThat(r.kind()).isEqualTo(first.kind());
                replays++;
            } else {
                firstLine.put(r.id(), r);
            }
        }
        assertThat(replays).isEqualTo((int) Math.round(config.invoices() * config.replayRate()));
    }

    @Test
    void deliveryIsOutOfOrderWithinBoundsExceptLateRecords() {
        Instant max = null;
        int outOfOrder = 0;
        int lateBehindAnHour = 0;
        for (Row r : rows) {
            if (r.json() == null || r.replay()) {
                continue;
            }
            Instant t = r.eventTime();
            if (max != null && t.isBefore(max)) {
                Duration behind = Duration.between(t, max);
                if (r.late()) {
                    lateBehindAnHour += behind.compareTo(Duration.ofMinutes(55)) > 0 ? 1 : 0;
                } else {
                    assertThat(behind).as("line %d", r.line())
                            .isLessThanOrEqualTo(Duration.ofSeconds(config.outOfOrderSeconds()));
                    outOfOrder++;
                }
            }
            if (max == null || t.isAfter(max)) {
                max = t;
            }
        }
        assertThat(outOfOrder).isGreaterThan(10);
        assertThat(stats.late()).isPositive();
        assertThat(lateBehindAnHour).isPositive();
    }

    @Test
    void bankSignalsAreNewAccountsOrAccountsOfAnotherVendor() {
        List<Row> valid = rows.stream().filter(r -> r.json() != null && !r.replay())
                .sorted((a, b) -> a.eventTime().compareTo(b.eventTime())).toList();
        Map<String, Set<String>> accountsByVendor = new HashMap<>();
        Map<String, Integer> invoicesByVendor = new HashMap<>();
        Map<String, Set<String>> vendorsByAccount = new HashMap<>();
        int signals = 0;
        for (Row r : valid) {
            String vendorKey = r.tenant() + "/" + r.vendor();
            String account = r.text("remit_account");
            Set<String> own = accountsByVendor.computeIfAbsent(vendorKey, k -> new HashSet<>());
            int prior = invoicesByVendor.getOrDefault(vendorKey, 0);
            switch (r.kind()) {
                case BANK_CHANGE, BANK_CHANGE_HIGH_AMOUNT -> {
                    assertThat(account).isNotNull();
                    assertThat(own).doesNotContain(account);
                    assertThat(vendorsByAccount.get(r.tenant() + "/" + account)).isNull();
                    assertThat(prior).isGreaterThanOrEqualTo(5);
                    signals++;
                }
                case BANK_SHARED -> {
                    assertThat(own).doesNotContain(account);
                    assertThat(r.otherVendor()).isNotEmpty().isNotEqualTo(r.vendor());
                    assertThat(vendorsByAccount.get(r.tenant() + "/" + account))
                            .containsExactly(r.tenant() + "/" + r.otherVendor());
                    signals++;
                }
                default -> {
                    if (account != null) {
                        Set<String> users = vendorsByAccount.get(r.tenant() + "/" + account);
                        boolean sharedBefore = users != null && !users.contains(vendorKey);
                        assertThat(sharedBefore && !own.contains(account))
                                .as("unlabelled first use of another vendor's account at line %d", r.line())
                                .isFalse();
                    }
                }
            }
            if (account != null) {
                own.add(account);
                vendorsByAccount.computeIfAbsent(r.tenant() + "/" + account, k -> new HashSet<>()).add(vendorKey);
            }
            invoicesByVendor.merge(vendorKey, 1, Integer::sum);
        }
        assertThat(signals).isGreaterThanOrEqualTo(3);
    }

    @Test
    void amountSignalsAreFarFromTheVendorHistoryAndMildOnesAreNot() {
        Map<String, List<Double>> history = new HashMap<>();
        List<Row> valid = rows.stream().filter(r -> r.json() != null && !r.replay())
                .sorted((a, b) -> a.eventTime().compareTo(b.eventTime())).toList();
        int anomalies = 0;
        for (Row r : valid) {
            String key = r.tenant() + "/" + r.vendor();
            List<Double> h = history.computeIfAbsent(key, k -> new ArrayList<>());
            double amount = r.amount().doubleValue();
            if (r.kind() == TruthKind.AMOUNT_ANOMALY || r.kind() == TruthKind.MILD_VARIATION) {
                assertThat(h.size()).isGreaterThanOrEqualTo(12);
                List<Double> sorted = h.stream().sorted().toList();
                double ratio = amount / sorted.get(sorted.size() / 2);
                if (r.kind() == TruthKind.AMOUNT_ANOMALY) {
                    assertThat(ratio < 1.0 / 12 || ratio > 3.5).as("line %d ratio %s", r.line(), ratio).isTrue();
                    anomalies++;
                } else {
                    assertThat(ratio).as("line %d", r.line()).isBetween(0.6, 4.0);
                }
            }
            if (r.kind() == TruthKind.CREDIT_NOTE) {
                assertThat(amount).isNegative();
                Row o = byId.get(r.originalId());
                assertThat(o.vendor()).isEqualTo(r.vendor());
                assertThat(r.text("description")).contains(o.text("invoice_number"));
                assertThat(-amount).isLessThanOrEqualTo(o.amount().doubleValue());
            } else {
                assertThat(amount).isPositive();
                h.add(amount);
            }
        }
        assertThat(anomalies).isGreaterThan(50);
    }

    @Test
    void someVendorIdsAndInvoiceNumbersRepeatAcrossTenantsOrVendors() {
        Map<String, Set<String>> tenantsByVendorId = new HashMap<>();
        Map<String, Set<String>> vendorsByNumber = new HashMap<>();
        for (Row r : rows) {
            if (r.json() == null || r.replay() || r.kind().isDuplicate()) {
                continue;
            }
            tenantsByVendorId.computeIfAbsent(r.vendor(), k -> new HashSet<>()).add(r.tenant());
            vendorsByNumber.computeIfAbsent(r.text("invoice_number"), k -> new HashSet<>())
                    .add(r.tenant() + "/" + r.vendor());
        }
        assertThat(tenantsByVendorId.values().stream().filter(s -> s.size() > 1).count()).isGreaterThan(10);
        assertThat(vendorsByNumber.values().stream().filter(s -> s.size() > 1).count()).isGreaterThan(10);
        assertThat(rows.stream().filter(r -> r.json() != null && r.json().get("amount").isNumber()).count())
                .isPositive();
    }

    @Test
    void commandWritesFilesAndRejectsBadFlags() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path dir = DIR.resolve("cli");
        int code = GenerateCommand.run(new String[] {"generate", "--out", dir.toString(), "--invoices", "500",
            "--tenants=2", "--seed", "9", "--twin-vendor-rate", "0", "--high-volume-vendor-rate", "0", "--reversal-rate", "0",
            "--partial-credit-dup-rate", "0", "--dup-credit-note-rate", "0"}, new PrintStream(out, true), new PrintStream(err, true));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("500 invoices");
        assertThat(Files.readAllLines(dir.resolve("truth.csv"))).hasSize(
                Files.readAllLines(dir.resolve("invoices.jsonl")).size() + 1);

        err.reset();
        assertThat(GenerateCommand.run(new String[] {"--out", dir.toString(), "--invoices", "many"},
                new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("--invoices");
        err.reset();
        assertThat(GenerateCommand.run(new String[] {"--out", dir.toString(), "--colour", "red"},
                new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("--colour");
        err.reset();
        assertThat(GenerateCommand.run(new String[] {"--out", dir.toString(), "--malformed-rate", "2"},
                new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("--malformed-rate");
        err.reset();
        assertThat(GenerateCommand.run(new String[] {"--invoices", "10"},
                new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(2);
        assertThat(err.toString()).contains("--out");
    }
}
