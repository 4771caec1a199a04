package io.invoicesieve.job;

import io.invoicesieve.cli.InitCommand;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.testing.BadInputCorpus;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.OpenSearchService;
import io.invoicesieve.testing.PostgresService;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import static io.invoicesieve.job.ConnectorsTestKit.decisionRows;
import static io.invoicesieve.job.ConnectorsTestKit.documentIds;
import static io.invoicesieve.job.ConnectorsTestKit.readCommitted;
import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile corpus through the production wiring: Kafka in, PostgreSQL, Kafka and OpenSearch out,
 * dead letters to the Kafka DLQ. No restarts are allowed (restart strategy none: one record that a
 * sink refuses fails the run). Every record is one decision, in every sink, with exactly its input
 * values, or one dead letter naming its topic, partition and offset and the field at fault.
 */
@ExtendWith({KafkaService.Extension.class, PostgresService.Extension.class, OpenSearchService.Extension.class})
class BadInputConnectorsITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyRecordOfTheCorpusIsAccountedForInEverySink(KafkaService kafka, PostgresService postgres, OpenSearchService opensearch)
            throws Exception {
        SieveConfig config = ConnectorsTestKit.config("fuzz", kafka, postgres, opensearch);
        InitCommand.init(config);
        List<BadInputCorpus.Case> cases = BadInputCorpus.cases(Instant.now());
        String topic = config.get(ConnectorOptions.KAFKA_INPUT_TOPIC);
        List<String> origins = produce(config, topic, cases);

        StreamExecutionEnvironment env = ConnectorsTestKit.env(300, 0); // restarts: none
        ConnectorsTestKit.build(config, env, null);
        env.execute("bad input through the connectors");

        List<JsonNode> kafkaDecisions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(config, config.get(ConnectorOptions.KAFKA_DECISIONS_TOPIC))) {
            JsonNode d = JSON.readTree(r.value());
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(d.get("tenant_id").asText() + ":" + d.get("invoice_id").asText());
            kafkaDecisions.add(d);
        }
        List<JsonNode> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(config, config.get(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC))) {
            deadLetters.add(JSON.readTree(r.value()));
        }
        assertThat(BadInputLocalITCase.check(cases, kafkaDecisions, deadLetters, origins::get, true)).as("Kafka").isEmpty();
        // PostgreSQL: the same decisions, the same values (rows read back as decision JSON)
        assertThat(BadInputLocalITCase.check(cases, decisionRows(config), deadLetters, origins::get, true)).as("PostgreSQL").isEmpty();
        // OpenSearch: one document per REVIEW/HOLD decision, id tenant_id:invoice_id
        Set<String> flagged = new HashSet<>(sqlStrings(config,
                "SELECT tenant_id || ':' || invoice_id FROM decisions WHERE decision IN ('REVIEW', 'HOLD')"));
        assertThat(documentIds(config)).hasSameSizeAs(flagged); // also checks every document against the contract
        assertThat(ids(config)).isEqualTo(flagged);
    }

    /** The document ids, read with a JSON parser (ids with quotes, backslashes and emoji are escaped in the response). */
    private static Set<String> ids(SieveConfig config) throws Exception {
        String index = config.get(ConnectorOptions.OPENSEARCH_INDEX);
        String body = ConnectorsTestKit.opensearch(config, "POST", "/" + index + "/_search",
                "{\"size\":10000,\"_source\":false,\"query\":{\"match_all\":{}}}");
        Set<String> ids = new HashSet<>();
        for (JsonNode hit : JSON.readTree(body).path("hits").path("hits")) {
            ids.add(hit.get("_id").asText());
        }
        return ids;
    }

    /** Sends every case as one record; returns case i's origin, kafka:topic/partition@offset. */
    private static List<String> produce(SieveConfig config, String topic, List<BadInputCorpus.Case> cases) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < cases.size(); i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, ("case-" + i).getBytes(StandardCharsets.UTF_8), cases.get(i).kafkaValue())));
            }
            producer.flush();
        }
        List<String> origins = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            RecordMetadata m = f.get();
            origins.add("kafka:" + m.topic() + "/" + m.partition() + "@" + m.offset());
        }
        return origins;
    }
}
