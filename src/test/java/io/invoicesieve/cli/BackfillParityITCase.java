package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.InvalidInvoiceException;
import io.invoicesieve.serde.InvoiceParser;
import io.invoicesieve.testing.JobOutputs;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.PostgresService;
import io.invoicesieve.sinks.PostgresSchema;
import io.invoicesieve.tools.generator.GeneratorConfig;
import io.invoicesieve.tools.generator.InvoiceGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code backfill} (BATCH execution mode) gives the same decisions as the streaming job on the same
 * input: a generated export in event-time order (no late or out-of-order lines), scored by
 * {@code local} (STREAMING, parallelism 1: arrival order = file order at every stage) and by
 * {@code backfill} from the JSON-lines file, from a Kafka offset range of the same lines, and for one
 * tenant, and from PostgreSQL queries (the export as a table of JSON payloads; its fields as typed
 * columns) into the run's own table {@code backfill_decisions}. Every backfill decision carries the
 * run id and is valid against contract/decision.schema.json.
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class})
class BackfillParityITCase {

    private static final Path WORK = Path.of("target", "backfill-parity");
    private static Path input;
    private static Map<String, String> streaming;
    private static int malformed;

    @BeforeAll
    static void generateAndStream() throws Exception {
        input = WORK.resolve("input").resolve("invoices.jsonl");
        GeneratorConfig config = GeneratorConfig.builder()
                .seed(7L).tenants(2).vendorsPerTenant(12).invoices(700).start(LocalDate.of(2026, 1, 5)).days(90)
                .outOfOrderSeconds(0).lateRate(0).malformedRate(0.02).replayRate(0.02)
                .dupExactRate(0.03).dupRekeyedRate(0.03).dupAmountTypoRate(0.02).amountAnomalyRate(0.02)
                .bankChangeRate(0.02).bankSharedRate(0.01)
                .build();
        new InvoiceGenerator().generate(config, input, WORK.resolve("input").resolve("truth.csv"));
        Path out = WORK.resolve("streaming");
        LocalCommand.execute(SieveConfig.defaults(), input, out, 1);
        streaming = decisions(out, null);
        malformed = JobOutputs.deadLetters(out).size();
        assertThat(malformed).isPositive();
        assertThat(streaming.values()).anyMatch(d -> d.startsWith("HOLD")).anyMatch(d -> d.startsWith("REVIEW"));
    }

    @Test
    void backfillOfTheExportDecidesAsTheStreamingJob() throws Exception {
        Path out = WORK.resolve("backfill-file");
        BackfillCommand.Run run = run("parity-file", out);
        run.inputFile = input;
        BackfillCommand.execute(SieveConfig.defaults(), run);

        assertThat(decisions(out, "parity-file")).isEqualTo(streaming);
        assertThat(JobOutputs.deadLetters(out)).hasSize(malformed);
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void backfillOfAKafkaOffsetRangeAndOfOneTenant(KafkaService kafka) throws Exception {
        String topic = "backfill-parity-invoices";
        kafka.createTopic(topic, 2);
        long[] ends = produce(kafka, topic);
        Map<String, String> settings = new HashMap<>();
        settings.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        settings.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), topic);
        settings.put(ConnectorOptions.KAFKA_GROUP_ID.key(), "backfill-parity");
        SieveConfig config = SieveConfig.of(settings);

        Path out = WORK.resolve("backfill-kafka");
        BackfillCommand.Run run = run("parity-kafka", out);
        run.kafkaOffsets = "0:0-" + ends[0] + ",1:0-" + ends[1];
        BackfillCommand.execute(config, run);
        assertThat(decisions(out, "parity-kafka")).isEqualTo(streaming);
        assertThat(JobOutputs.deadLetters(out)).hasSize(malformed);

        String tenant = streaming.keySet().iterator().next().split(":")[0];
        Path one = WORK.resolve("backfill-tenant");
        BackfillCommand.Run tenantRun = run("parity-tenant", one);
        tenantRun.kafkaOffsets = "all";
        tenantRun.tenants = Set.of(tenant);
        BackfillCommand.execute(config, tenantRun);
        Map<String, String> expected = new TreeMap<>(streaming);
        expected.keySet().removeIf(k -> !k.startsWith(tenant + ":"));
        assertThat(expected).isNotEmpty().hasSizeLessThan(streaming.size());
        assertThat(decisions(one, "parity-tenant")).isEqualTo(expected);
    }

    @Test
    void backfillOfAPostgresQueryIntoTheRunsOwnTable(PostgresService postgres) throws Exception {
        String db = "backfill_parity";
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + db);
            st.execute("CREATE DATABASE " + db);
        }
        String url = postgres.jdbcUrl().replaceAll("/postgres$", "/" + db);
        Properties owner = new Properties();
        owner.setProperty("user", postgres.user());
        owner.setProperty("password", postgres.password());
        PostgresSchema.migrate(url, owner);
        // The export as a ledger table: every line a row, the malformed ones too.
        InvoiceParser parser = new InvoiceParser();
        try (Connection c = java.sql.DriverManager.getConnection(url, owner); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ledger_export (line_no int PRIMARY KEY, payload text NOT NULL, valid boolean NOT NULL)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO ledger_export VALUES (?, ?, ?)")) {
                int n = 0;
                for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) {
                        continue;
                    }
                    boolean valid;
                    try {
                        parser.parse(line);
                        valid = true;
                    } catch (InvalidInvoiceException e) {
                        valid = false;
                    }
                    insert.setInt(1, ++n);
                    insert.setString(2, line.replace("\u0000", ""));
                    insert.setBoolean(3, valid);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
        Map<String, String> settings = new HashMap<>();
        settings.put(ConnectorOptions.JDBC_URL.key(), url);
        settings.put(ConnectorOptions.JDBC_USER.key(), postgres.user());
        // a literal secret is refused (it would travel in the job graph): a file, as a mounted Secret
        Path secret = Files.createDirectories(WORK.resolve("secrets")).resolve("jdbc-password");
        Files.writeString(secret, postgres.password() + "\n");
        settings.put(ConnectorOptions.JDBC_PASSWORD.key(), "${file:" + secret.toAbsolutePath() + "}");
        settings.put(ConnectorOptions.JDBC_BATCH_INTERVAL.key(), "200 ms");
        SieveConfig config = SieveConfig.of(settings);

        // One column: the invoice's JSON, parsed as a line of the export is.
        Path out = WORK.resolve("backfill-postgres-json");
        BackfillCommand.Run run = run("parity-pg-json", out);
        run.postgresQuery = "SELECT payload FROM ledger_export ORDER BY line_no";
        run.postgres = true;
        BackfillCommand.execute(config, run);
        assertThat(decisions(out, "parity-pg-json")).isEqualTo(streaming);
        assertThat(JobOutputs.deadLetters(out)).hasSize(malformed)
                .allSatisfy(d -> assertThat(d.path("origin").asText()).startsWith("postgres:row "));
        // ... and the run's own table holds the same decisions; production's tables are untouched.
        assertThat(rows(url, owner, "parity-pg-json")).isEqualTo(codes(WORK.resolve("streaming")));
        try (Connection c = java.sql.DriverManager.getConnection(url, owner); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM decisions) + (SELECT count(*) FROM invoices)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows in the production tables").isZero();
        }

        // Typed columns (date, timestamptz, numeric(20,4)): the valid rows' fields, read by name.
        Path typed = WORK.resolve("backfill-postgres-columns");
        BackfillCommand.Run columns = run("parity-pg-columns", typed);
        columns.postgresQuery = "SELECT p->>'tenant_id' AS tenant_id, p->>'invoice_id' AS invoice_id, p->>'vendor_id' AS vendor_id,"
                + " p->>'invoice_number' AS invoice_number, (p->>'invoice_date')::date AS invoice_date,"
                + " (p->>'event_time')::timestamptz AS event_time, (p->>'amount')::numeric(20, 4) AS amount,"
                + " p->>'currency' AS currency, p->>'remit_account' AS remit_account, p->>'remit_bank_code' AS remit_bank_code,"
                + " p->>'po_number' AS po_number, (p->>'due_date')::date AS due_date, p->>'description' AS description,"
                + " p->>'source' AS source, (p->>'extraction_confidence')::double precision AS extraction_confidence,"
                + " line_no AS ignored_by_the_parser"
                + " FROM (SELECT line_no, payload::jsonb AS p FROM ledger_export WHERE valid) AS export ORDER BY line_no";
        columns.postgres = true;
        BackfillCommand.execute(config, columns);
        assertThat(JobOutputs.deadLetters(typed)).isEmpty();
        assertThat(rows(url, owner, "parity-pg-columns")).isEqualTo(codes(WORK.resolve("streaming")));
    }

    /** tenant:invoice -> "DECISION codes matched" of a run in backfill_decisions. */
    private static Map<String, String> rows(String url, Properties owner, String runId) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = java.sql.DriverManager.getConnection(url, owner);
                PreparedStatement q = c.prepareStatement("SELECT tenant_id || ':' || invoice_id, decision,"
                        + " array_to_string(ARRAY(SELECT unnest(reason_codes) ORDER BY 1), ','),"
                        + " array_to_string(ARRAY(SELECT unnest(matched_invoice_ids) ORDER BY 1), ',')"
                        + " FROM backfill_decisions WHERE run_id = ?")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4));
                }
            }
        }
        return out;
    }

    /** The same view of the decisions in a directory. */
    private static Map<String, String> codes(Path dir) {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode d : JobOutputs.decisions(dir)) {
            List<String> reasons = new ArrayList<>();
            d.path("reasons").forEach(r -> reasons.add(r.path("code").asText()));
            List<String> matched = new ArrayList<>();
            d.path("matched_invoice_ids").forEach(m -> matched.add(m.asText()));
            out.put(d.path("tenant_id").asText() + ":" + d.path("invoice_id").asText(), d.path("decision").asText() + " "
                    + reasons.stream().sorted().collect(Collectors.joining(",")) + " "
                    + matched.stream().sorted().collect(Collectors.joining(",")));
        }
        return out;
    }

    private static BackfillCommand.Run run(String runId, Path out) {
        BackfillCommand.Run run = new BackfillCommand.Run();
        run.runId = runId;
        run.output = out;
        run.parallelism = 2;
        return run;
    }

    /** Each line into the partition of its vendor, so that a vendor's lines keep the file's order. */
    private static long[] produce(KafkaService kafka, String topic) throws Exception {
        InvoiceParser parser = new InvoiceParser();
        long[] counts = new long[2];
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            int i = 0;
            for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
                int partition;
                try {
                    Invoice inv = parser.parse(line);
                    partition = Math.floorMod((inv.tenantId + "/" + inv.vendorId).hashCode(), 2);
                } catch (InvalidInvoiceException e) {
                    partition = i % 2;
                }
                sent.add(producer.send(new ProducerRecord<>(topic, partition, null, line)));
                counts[partition]++;
                i++;
            }
            producer.flush();
        }
        // every record acknowledged: the offset range below is what the topic holds (a lost send
        // would leave the bounded source waiting for an offset that never comes)
        long[] ends = new long[2];
        for (java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> f : sent) {
            org.apache.kafka.clients.producer.RecordMetadata m = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            ends[m.partition()] = Math.max(ends[m.partition()], m.offset() + 1);
        }
        assertThat(ends).as("end offsets of the acknowledged records").containsExactly(counts);
        return counts;
    }

    /**
     * tenant:invoice -> "DECISION score reasons matched" (decided_at and trace ids aside); every line
     * validated against the contract by JobOutputs, and tagged with {@code runId} when not null.
     */
    private static Map<String, String> decisions(Path dir, String runId) {
        Map<String, String> out = new TreeMap<>();
        List<JsonNode> lines = JobOutputs.decisions(dir);
        for (JsonNode d : lines) {
            if (runId == null) {
                assertThat(d.has("run_id")).isFalse();
            } else {
                assertThat(d.path("run_id").asText()).isEqualTo(runId);
            }
            List<String> reasons = new ArrayList<>();
            d.path("reasons").forEach(r -> reasons.add(r.path("code").asText() + "=" + r.path("score").asText()));
            List<String> matched = new ArrayList<>();
            d.path("matched_invoice_ids").forEach(m -> matched.add(m.asText()));
            String key = d.path("tenant_id").asText() + ":" + d.path("invoice_id").asText();
            String previous = out.put(key, d.path("decision").asText() + " " + d.path("risk_score").asText() + " "
                    + reasons.stream().sorted().collect(Collectors.joining(",")) + " "
                    + matched.stream().sorted().collect(Collectors.joining(",")));
            assertThat(previous).as("one decision per invoice: " + key).isNull();
        }
        return out;
    }
}
