package io.invoicesieve.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real round trip through each service the harness starts: proves the harness, not the job. */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class ServicesITCase {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_LIMIT = Duration.ofSeconds(30);

    @Test
    void kafkaProducesAndConsumes(KafkaService kafka) throws Exception {
        kafka.createTopic("services-plain", 2);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(kafka))) {
            producer.send(new ProducerRecord<>("services-plain", 1, "INV-1", "acme;120.00")).get();
        }

        List<ConsumerRecord<String, String>> records = readAll(kafka, "services-plain", 2, "read_uncommitted", 1);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.partition()).isEqualTo(1);
            assertThat(r.key()).isEqualTo("INV-1");
            assertThat(r.value()).isEqualTo("acme;120.00");
        });
    }

    @Test
    void kafkaCommittedTransactionIsVisibleAndAbortedIsNot(KafkaService kafka) throws Exception {
        kafka.createTopic("services-tx", 1);
        Properties props = producerProps(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "services-it-tx");
        // What Flink's exactly-once KafkaSink asks for by default; the broker must allow it.
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofHours(1).toMillis());

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("services-tx", "INV-2", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("services-tx", "INV-3", "committed-a"));
            producer.send(new ProducerRecord<>("services-tx", "INV-4", "committed-b"));
            producer.commitTransaction();
        }

        // Both transactions' records are in the log; read_committed must show only the committed two.
        assertThat(readAll(kafka, "services-tx", 1, "read_uncommitted", 3))
                .extracting(ConsumerRecord::value)
                .containsExactly("aborted", "committed-a", "committed-b");
        assertThat(readAll(kafka, "services-tx", 1, "read_committed", 2))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed-a", "committed-b");
    }

    @Test
    void postgresCreatesInsertsSelects(PostgresService postgres) throws SQLException {
        assertThat(postgres.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE services_it_decision (invoice_id text PRIMARY KEY, amount numeric(12,2))");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO services_it_decision VALUES (?, ?)")) {
                insert.setString(1, "INV-5");
                insert.setBigDecimal(2, new java.math.BigDecimal("99.95"));
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            try (ResultSet rs = s.executeQuery("SELECT invoice_id, amount, version() FROM services_it_decision")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("INV-5");
                assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("99.95");
                assertThat(rs.getString(3)).startsWith("PostgreSQL 17.");
                assertThat(rs.next()).isFalse();
            }
        }
        try (Connection c = postgres.connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM services_it_decision")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void openSearchIndexesSearchesAndKeepsDataAcrossRestart(OpenSearchService opensearch) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String url = opensearch.httpUrl();

        assertThat(send(http, "PUT", url + "/services-it", """
                {"settings": {"number_of_shards": 1, "number_of_replicas": 0},
                 "mappings": {"properties": {"vendor": {"type": "keyword"}, "amount": {"type": "double"}}}}
                """).statusCode()).isEqualTo(200);
        assertThat(send(http, "PUT", url + "/services-it/_doc/INV-6?refresh=true",
                "{\"vendor\": \"acme\", \"amount\": 42.5}").statusCode()).isEqualTo(201);
        assertThat(searchVendor(http, url, "acme")).containsExactly("INV-6");
        assertThat(searchVendor(http, url, "globex")).isEmpty();

        try {
            opensearch.stop();
            assertThat(opensearch.isRunning()).isFalse();
            assertThatThrownBy(() -> send(http, "GET", url + "/", null)).isInstanceOf(ConnectException.class);
        } finally {
            opensearch.start();
        }

        assertThat(opensearch.httpUrl()).isEqualTo(url);
        assertThat(searchVendor(http, url, "acme")).containsExactly("INV-6");
    }

    private static List<String> searchVendor(HttpClient http, String url, String vendor) throws Exception {
        HttpResponse<String> response = send(http, "POST", url + "/services-it/_search",
                "{\"query\": {\"term\": {\"vendor\": \"" + vendor + "\"}}}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : JSON.readTree(response.body()).path("hits").path("hits")) {
            ids.add(hit.path("_id").asText());
        }
        return ids;
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Properties producerProps(KafkaService kafka) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /**
     * Reads every partition from the beginning until {@code expected} records arrived or the limit
     * passed, then one more short poll so that a record too many is caught as well.
     */
    private static List<ConsumerRecord<String, String>> readAll(
            KafkaService kafka, String topic, int partitions, String isolation, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long deadline = System.nanoTime() + POLL_LIMIT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
