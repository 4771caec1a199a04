package io.invoicesieve.cluster;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code run} wiring of one cluster test on the shared services, as program arguments for the job
 * jar's main (what a FlinkDeployment's {@code args} carry), plus input and read-back for the test JVM.
 * Each test has its own topics, database and index (named after it). The settings are those of
 * ConnectorsTestKit#config (package io.invoicesieve.job), which the MiniCluster tests use.
 */
final class JobWiring {

    static final Instant BASE = Instant.parse("2026-03-02T09:00:00Z");

    final String name;
    final Map<String, String> settings = new LinkedHashMap<>();

    private JobWiring(String name) {
        this.name = name;
    }

    /** A fresh database {@code name}, then what {@code init} creates: topics, schema, index. */
    static JobWiring init(String name, KafkaService kafka, PostgresService postgres, OpenSearchService opensearch)
            throws Exception {
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name);
            st.execute("CREATE DATABASE " + name);
        }
        JobWiring w = new JobWiring(name);
        Map<String, String> s = w.settings;
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
        // run refuses literal secrets: a file, as a mounted Kubernetes Secret, read by the TaskManagers
        java.nio.file.Path secret = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "secrets", name + "-jdbc")
                .toAbsolutePath();
        try {
            java.nio.file.Files.createDirectories(secret.getParent());
            java.nio.file.Files.writeString(secret, postgres.password() + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        s.put(ConnectorOptions.JDBC_PASSWORD.key(), "${file:" + secret + "}");
        s.put(ConnectorOptions.JDBC_BATCH_INTERVAL.key(), "200 ms");
        s.put(ConnectorOptions.OPENSEARCH_HOSTS.key(), opensearch.httpUrl());
        s.put(ConnectorOptions.OPENSEARCH_INDEX.key(), name + "-flagged");
        s.put(ConnectorOptions.OPENSEARCH_REPLICAS.key(), "0");
        s.put(ConnectorOptions.OPENSEARCH_BULK_INTERVAL.key(), "200 ms");
        InitCommand.init(SieveConfig.of(s));
        return w;
    }

    /**
     * {@code run --<setting> <value> ...}: the job's settings plus Flink's checkpoint interval (2 s, so
     * the exactly-once Kafka sinks commit often), as the operator passes {@code args} to main.
     */
    List<String> runArgs() {
        List<String> args = new ArrayList<>(List.of("run"));
        settings.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
        args.addAll(List.of("--execution.checkpointing.interval", "2 s"));
        return args;
    }

    String topic(String suffix) {
        return name + "-" + suffix;
    }

    // ------------------------------------------------------------------------------ input

    /** One valid invoice as the extractor writes it; key {@code tenant:invoice_id}. */
    static String[] invoice(String tenant, String invoiceId, String vendor, String number, String amount, Instant eventTime) {
        String date = eventTime.atZone(ZoneOffset.UTC).toLocalDate().toString();
        return invoice(tenant, invoiceId, vendor, number, amount, date, eventTime);
    }

    static String[] invoice(String tenant, String invoiceId, String vendor, String number, String amount, String date,
            Instant eventTime) {
        String json = String.format(Locale.ROOT,
                "{\"tenant_id\":\"%s\",\"invoice_id\":\"%s\",\"vendor_id\":\"%s\",\"invoice_number\":\"%s\","
                        + "\"invoice_date\":\"%s\",\"event_time\":\"%s\",\"amount\":\"%s\",\"currency\":\"EUR\","
                        + "\"remit_account\":\"DE89370400440532010001\",\"description\":\"Consulting services\",\"source\":\"edi\"}",
                tenant, invoiceId, vendor, number, date, eventTime, amount);
        return new String[] {tenant + ":" + invoiceId, json};
    }

    /** {@code count} distinct invoices of 2 tenants and 4 vendors, numbered {@code from}...: no duplicates among them. */
    static List<String[]> distinctInvoices(String prefix, int from, int count) {
        List<String[]> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String tenant = i % 2 == 0 ? "acme" : "globex";
            String vendor = String.format(Locale.ROOT, "V-%d", 1000 + (i / 2) % 4);
            out.add(invoice(tenant, String.format(Locale.ROOT, "%s-%s-%06d", tenant, prefix, i), vendor,
                    String.format(Locale.ROOT, "INV-%s-%s-%05d", vendor, prefix, i),
                    String.format(Locale.ROOT, "%d.%02d", 1000 + 37 * i, i % 100),
                    BASE.plus(Duration.ofHours(2L * i))));
        }
        return out;
    }

    /** Produces the records (acks=all); {@code partition} null lets the key choose. */
    void produce(List<String[]> records, Integer partition) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key()));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String[] r : records) {
                producer.send(new ProducerRecord<>(topic("invoices"), partition, r[0], r[1]));
            }
            producer.flush();
        }
    }

    // ------------------------------------------------------------------------------ read back

    /** Keys of every committed record of the decisions topic (read_committed, up to the last stable offset). */
    List<String> committedDecisionKeys() {
        return committedDecisions().stream().map(ConsumerRecord::key).collect(Collectors.toList());
    }

    List<ConsumerRecord<String, String>> committedDecisions() {
        return committed("decisions");
    }

    /** Every committed record of the topic {@code <name>-<suffix>} (read_committed, up to the last stable offset). */
    List<ConsumerRecord<String, String>> committed(String suffix) {
        String topic = topic(suffix);
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key()));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> stable = consumer.endOffsets(partitions); // read_committed: LSO
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < stable.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " up to " + stable);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The first column of every row. */
    List<String> sql(String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(settings.get(ConnectorOptions.JDBC_URL.key()),
                        settings.get(ConnectorOptions.JDBC_USER.key()), "x");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    long sqlLong(String query) throws Exception {
        return Long.parseLong(sql(query).get(0));
    }
}
