package io.invoicesieve.job;

import io.invoicesieve.cli.RunCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.sinks.OpenSearchIndex;
import io.invoicesieve.testing.ContractSchemas;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.http.util.EntityUtils;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the connector ITCases share: configuration on the test services, input data, read-back. */
final class ConnectorsTestKit {

    static final Instant BASE = Instant.parse("2026-03-02T09:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConnectorsTestKit() {}

    /** Settings for one test: its own topics, database and index on the shared services. */
    static SieveConfig config(String name, KafkaService kafka, PostgresService postgres, OpenSearchService opensearch)
            throws Exception {
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        Map<String, String> s = new HashMap<>();
        s.putAll(io.invoicesieve.testing.Fixtures.STREAMING_TEST_SETTINGS);
        s.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
        s.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), name + "-invoices");
        s.put(ConnectorOptions.KAFKA_DECISIONS_TOPIC.key(), name + "-decisions");
        s.put(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC.key(), name + "-dlq");
        s.put(ConnectorOptions.KAFKA_GROUP_ID.key(), name);
        s.put(ConnectorOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
        s.put(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), name);
        s.put(ConnectorOptions.KAFKA_TOPIC_PARTITIONS.key(), "2");
        s.put(ConnectorOptions.KAFKA_TOPIC_REPLICATION.key(), "1");
        s.put(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + "client.dns.lookup", "use_all_dns_ips");
        s.put(ConnectorOptions.JDBC_URL.key(), postgres.jdbcUrl().replaceAll("/postgres$", "/" + name));
        s.put(ConnectorOptions.JDBC_USER.key(), postgres.user());
        // a secret is a reference the writers resolve (a literal is refused by run)
        s.put(ConnectorOptions.JDBC_PASSWORD.key(), "${file:" + secretFile(name + "-jdbc", postgres.password()) + "}");
        s.put(ConnectorOptions.JDBC_BATCH_INTERVAL.key(), "200 ms");
        s.put(ConnectorOptions.OPENSEARCH_HOSTS.key(), opensearch.httpUrl());
        s.put(ConnectorOptions.OPENSEARCH_INDEX.key(), name + "-flagged");
        s.put(ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0");
        s.put(ConnectorOptions.OPENSEARCH_BULK_INTERVAL.key(), "200 ms");
        s.put(ConnectorOptions.OPENSEARCH_BACKOFF_RETRIES.key(), "2");
        s.put(ConnectorOptions.OPENSEARCH_BACKOFF_DELAY.key(), "100 ms");
        return SieveConfig.of(s);
    }

    /** A file holding {@code secret} (as a mounted Kubernetes Secret would), under java.io.tmpdir. */
    static String secretFile(String name, String secret) throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "secrets", name);
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.writeString(file, secret + "\n");
        return file.toString();
    }

    /** An environment on the test's MiniCluster: parallelism 2, no Kryo, checkpoints, given restarts. */
    static StreamExecutionEnvironment env(long checkpointMillis, int restarts) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        if (restarts == 0) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        } else {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, restarts);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(500));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf);
        env.setParallelism(2);
        env.enableCheckpointing(checkpointMillis);
        return env;
    }

    /** The production wiring with a bounded source (up to the offsets at start) and an optional hook. */
    static void build(SieveConfig config, StreamExecutionEnvironment env, RichMapFunction<Invoice, Invoice> hook) {
        InvoiceSievePipeline pipeline =
                RunCommand.pipeline(config, env, source -> source.setBounded(OffsetsInitializer.latest()));
        if (hook != null) {
            pipeline.testHook(hook);
        }
        pipeline.build(env);
    }

    // ------------------------------------------------------------------------------------ input

    /** Input lines and what they must produce. */
    static final class Input {
        final List<String[]> records = new ArrayList<>(); // key, value
        final Set<String> distinctValid = new HashSet<>();
        int malformed;
        int replays;
    }

    /**
     * {@code invoices} distinct valid invoices of 2 tenants and 16 vendors over about 50 days, with exact
     * resubmissions (new invoice_id, same number and amount: DUPLICATE_EXACT) and outsized amounts among
     * them; then {@code replays} re-deliveries of earlier lines and {@code malformed} bad records mixed in.
     */
    static Input input(int invoices, int replays, int malformed, long seed) {
        Random random = new Random(seed);
        Input in = new Input();
        String[] descriptions = {
            "Consulting services", "Freight charges pallet transport", "Office supplies and toner",
            "Cloud hosting subscription", "Catering for quarterly meeting", "Maintenance of forklift"
        };
        List<String[]> valid = new ArrayList<>();
        Map<String, String[]> lastOfVendor = new HashMap<>();
        for (int i = 0; i < invoices; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            String vendor = String.format(Locale.ROOT, "V-%d", 1000 + (i / 2) % 8);
            String vendorKey = tenant + "/" + vendor;
            String invoiceId = String.format(Locale.ROOT, "%s-%06d", tenant, i);
            Instant eventTime = BASE.plus(Duration.ofMinutes(120L * i + random.nextInt(60)));
            String number;
            String amount;
            String date = eventTime.atZone(ZoneOffset.UTC).toLocalDate().toString();
            String[] previous = lastOfVendor.get(vendorKey);
            if (i % 25 == 24 && previous != null) {
                number = previous[0];
                amount = previous[1];
                date = previous[2];
            } else {
                number = String.format(Locale.ROOT, "INV-%s-%05d", vendor, i);
                int base = 1000 + 250 * ((i / 2) % 8);
                long cents = (long) (base * 100 * (0.9 + 0.2 * random.nextDouble()));
                if (i % 40 == 39) {
                    cents *= 25;
                }
                amount = String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
            }
            String description = descriptions[(i / 2) % descriptions.length] + " " + (i % 12 + 1) + "/2026";
            String json = String.format(Locale.ROOT,
                    "{\"tenant_id\":\"%s\",\"invoice_id\":\"%s\",\"vendor_id\":\"%s\",\"invoice_number\":\"%s\","
                            + "\"invoice_date\":\"%s\",\"event_time\":\"%s\",\"amount\":\"%s\",\"currency\":\"EUR\","
                            + "\"remit_account\":\"DE8937040044053201%04d\",\"description\":\"%s\",\"source\":\"edi\"}",
                    tenant, invoiceId, vendor, number, date, eventTime, amount, (i / 2) % 8, description);
            valid.add(new String[] {tenant + ":" + invoiceId, json});
            lastOfVendor.put(vendorKey, new String[] {number, amount, date});
            in.distinctValid.add(tenant + ":" + invoiceId);
        }
        String[] bad = {
            "not json at all {", "{\"tenant_id\":\"acme\"}",
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"x\",\"vendor_id\":\"V\",\"invoice_number\":\"N\","
                    + "\"invoice_date\":\"2026-13-45\",\"event_time\":\"2026-03-02T09:00:00Z\",\"amount\":\"12\",\"currency\":\"EUR\"}",
            "{\"tenant_id\":\"acme\",\"invoice_id\":\"y\",\"vendor_id\":\"V\",\"invoice_number\":\"N\","
                    + "\"invoice_date\":\"2026-03-02\",\"event_time\":\"2026-03-02T09:00:00Z\",\"amount\":\"abc\",\"currency\":\"EUR\"}",
            "[]"
        };
        List<String[]> all = new ArrayList<>(valid);
        for (int r = 0; r < replays; r++) {
            // a re-delivery shortly after the original (same key: same partition, after it)
            int of = random.nextInt(valid.size());
            all.add(Math.min(all.size(), of + 1 + random.nextInt(20)), valid.get(of));
        }
        for (int m = 0; m < malformed; m++) {
            all.add(random.nextInt(all.size() + 1), new String[] {"bad-" + m, bad[m % bad.length] + (m >= bad.length ? " " : "")});
        }
        in.records.addAll(all);
        in.replays = replays;
        in.malformed = malformed;
        return in;
    }

    static void produce(SieveConfig config, Input input) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String[] r : input.records) {
                producer.send(new ProducerRecord<>(config.get(ConnectorOptions.KAFKA_INPUT_TOPIC), r[0], r[1]));
            }
            producer.flush();
        }
    }

    // ------------------------------------------------------------------------------------ read back

    /**
     * Every committed record of a topic (read_committed). The values of the job's decisions and
     * dead-letter topics are checked against contract/decision.schema.json and dead-letter.schema.json.
     */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(SieveConfig config, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = readCommittedRecords(config, topic);
        String schema = topic.equals(config.get(ConnectorOptions.KAFKA_DECISIONS_TOPIC)) ? ContractSchemas.DECISION
                : topic.equals(config.get(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC)) ? ContractSchemas.DEAD_LETTER
                : null;
        if (schema != null) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
                try {
                    ContractSchemas.assertValid(schema, value);
                } catch (AssertionError e) {
                    throw new AssertionError(topic + "/" + r.partition() + "@" + r.offset() + ": " + e.getMessage(), e);
                }
            }
        }
        return records;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readCommittedRecords(SieveConfig config, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            // The transaction coordinator writes commit markers after commitTransaction returns: wait
            // until the last stable offsets reach the log ends (no transaction left open).
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Object> u = new HashMap<>(p);
            u.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
            try (KafkaConsumer<byte[], byte[]> uncommitted = new KafkaConsumer<>(u, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                while (!end.equals(uncommitted.endOffsets(partitions))) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("transactions still open on " + topic);
                    }
                    sleep(100);
                    end = consumer.endOffsets(partitions);
                }
            }
            Map<TopicPartition, Long> stable = end;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < stable.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every decision row of PostgreSQL, with its invoice row, as the decision JSON it stands for (null
     * columns left out, as the job leaves them out), each checked against contract/decision.schema.json;
     * the {@code evidence} column must hold exactly the reasons' evidence by reason code.
     */
    static List<JsonNode> decisionRows(SieveConfig config) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String row : sqlStrings(config, DECISION_ROWS)) {
            JsonNode both = JSON.readTree(row);
            JsonNode decision = both.get("decision");
            try {
                ContractSchemas.assertValid(ContractSchemas.DECISION, decision);
            } catch (AssertionError e) {
                throw new AssertionError("PostgreSQL decision row: " + e.getMessage(), e);
            }
            ObjectNode evidence = JSON.createObjectNode();
            for (JsonNode reason : decision.get("reasons")) {
                if (reason.has("evidence")) {
                    evidence.set(reason.get("code").asText(), reason.get("evidence"));
                }
            }
            assertThat(both.get("evidence")).as("evidence column of %s", decision).isEqualTo(evidence);
            rows.add(decision);
        }
        return rows;
    }

    private static final String UTC_MICROS = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'";

    private static final String DECISION_ROWS =
            "SELECT json_build_object('decision', json_strip_nulls(json_build_object("
                    + "'tenant_id', d.tenant_id, 'invoice_id', d.invoice_id, 'vendor_id', i.vendor_id,"
                    + " 'invoice_number', i.invoice_number, 'invoice_date', to_char(i.invoice_date, 'YYYY-MM-DD'),"
                    + " 'amount', i.amount::text, 'currency', i.currency,"
                    + " 'event_time', to_char(i.event_time AT TIME ZONE 'UTC', " + UTC_MICROS + "),"
                    + " 'decision', d.decision, 'risk_score', d.risk_score, 'reasons', d.reasons,"
                    + " 'matched_invoice_ids', to_json(d.matched_invoice_ids), 'trace_id', d.trace_id,"
                    + " 'decided_at', to_char(d.decided_at AT TIME ZONE 'UTC', " + UTC_MICROS + "),"
                    + " 'model_version', d.model_version, 'job_version', d.job_version, 'source', i.source,"
                    + " 'late', d.late)), 'evidence', d.evidence)::text"
                    + " FROM decisions d JOIN invoices i USING (tenant_id, invoice_id)";

    static long sqlLong(SieveConfig config, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(
                        config.get(ConnectorOptions.JDBC_URL), config.get(ConnectorOptions.JDBC_USER), "x");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> sqlStrings(SieveConfig config, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(
                        config.get(ConnectorOptions.JDBC_URL), config.get(ConnectorOptions.JDBC_USER), "x");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A request against the test node; returns the body. */
    static String opensearch(SieveConfig config, String method, String path, String json) throws Exception {
        try (RestClient client = OpenSearchIndex.client(config)) {
            Request request = new Request(method, path);
            if (json != null) {
                request.setJsonEntity(json);
            }
            Response response = client.performRequest(request);
            return response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
        }
    }

    static long documentCount(SieveConfig config) throws Exception {
        String index = config.get(ConnectorOptions.OPENSEARCH_INDEX);
        opensearch(config, "POST", "/" + index + "/_refresh", null);
        String body = opensearch(config, "GET", "/" + index + "/_count", null);
        return Long.parseLong(body.replaceAll(".*\"count\":(\\d+).*", "$1"));
    }

    /** The ids of all documents of the index (each checked against the contract, see {@link #search}). */
    static Set<String> documentIds(SieveConfig config) throws Exception {
        return search(config, "{\"size\":10000,\"query\":{\"match_all\":{}}}");
    }

    /**
     * The ids of the documents a search request body finds. The _source of every hit that has one is
     * checked against contract/opensearch-document.schema.json.
     */
    static Set<String> search(SieveConfig config, String body) throws Exception {
        String index = config.get(ConnectorOptions.OPENSEARCH_INDEX);
        opensearch(config, "POST", "/" + index + "/_refresh", null);
        String response = opensearch(config, "POST", "/" + index + "/_search", body);
        for (JsonNode hit : JSON.readTree(response).path("hits").path("hits")) {
            if (hit.has("_source")) {
                try {
                    ContractSchemas.assertValid(ContractSchemas.OPENSEARCH_DOCUMENT, hit.get("_source"));
                } catch (AssertionError e) {
                    throw new AssertionError(index + " document " + hit.path("_id").asText() + ": " + e.getMessage(), e);
                }
            }
        }
        return ids(response);
    }

    static Set<String> ids(String body) {
        Set<String> ids = new HashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"_id\":\"([^\"]+)\"").matcher(body);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    // ------------------------------------------------------------------------------------ failures

    /**
     * Slows each record a little (so the job runs long enough to checkpoint mid-stream) and, on
     * subtask 0, throws once a checkpoint has completed, until {@link #FAILURES} reaches the limit.
     */
    static final class FailAfterCheckpoint extends RichMapFunction<Invoice, Invoice> implements CheckpointListener {
        static final AtomicInteger FAILURES = new AtomicInteger();
        static volatile int maxFailures;
        static volatile long sleepMillis;
        static volatile int recordsAfterCheckpoint = 20;

        private transient boolean checkpointed;
        private transient int sinceCheckpoint;

        static void reset(int failures, long sleep) {
            reset(failures, sleep, 20);
        }

        /** Fails after {@code records} records of subtask 0 have followed its first completed checkpoint. */
        static void reset(int failures, long sleep, int records) {
            FAILURES.set(0);
            maxFailures = failures;
            sleepMillis = sleep;
            recordsAfterCheckpoint = records;
        }

        @Override
        public Invoice map(Invoice invoice) throws Exception {
            if (sleepMillis > 0) {
                Thread.sleep(sleepMillis);
            }
            if (checkpointed && ++sinceCheckpoint > recordsAfterCheckpoint
                    && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                    && FAILURES.get() < maxFailures) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure " + FAILURES.get() + " after a completed checkpoint");
            }
            return invoice;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }
    }

    static <T> List<T> shuffled(List<T> list, long seed) {
        List<T> copy = new ArrayList<>(list);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }
}
