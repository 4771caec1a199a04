package io.invoicesieve.job;

import io.invoicesieve.config.SieveConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.invoicesieve.job.ConnectorsTestKit.sqlStrings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact final contents of the production sinks after a run, compared sink against sink and
 * against the input: the decisions (tenant:invoice_id -> decision) in PostgreSQL and in the
 * exactly-once Kafka topic are the same, one per distinct valid invoice; the OpenSearch documents
 * are exactly their REVIEW/HOLD ones; the DLQ holds exactly the malformed payloads.
 */
final class SinkContents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SinkContents() {}

    /** tenant:invoice_id -> decision of every committed record of the decisions topic (fails on a doubled key). */
    static Map<String, String> kafkaDecisions(SieveConfig config, String topic) {
        Map<String, String> out = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : ConnectorsTestKit.readCommitted(config, topic)) {
            JsonNode d = json(r.value());
            String id = d.get("tenant_id").asText() + ":" + d.get("invoice_id").asText();
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(id);
            assertThat(out.put(id, d.get("decision").asText())).as("second record for %s", id).isNull();
        }
        return out;
    }

    /** tenant:invoice_id -> decision of every PostgreSQL row. */
    static Map<String, String> postgresDecisions(SieveConfig config) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String row : sqlStrings(config, "SELECT tenant_id || ':' || invoice_id || ' ' || decision FROM decisions")) {
            String[] p = row.split(" ");
            assertThat(out.put(p[0], p[1])).isNull();
        }
        return out;
    }

    static Set<String> flagged(Map<String, String> decisions) {
        Set<String> out = new HashSet<>();
        decisions.forEach((id, d) -> {
            if (d.equals("REVIEW") || d.equals("HOLD")) {
                out.add(id);
            }
        });
        return out;
    }

    /** The raw payloads of the DLQ topic, sorted. */
    static List<String> deadLetterPayloads(SieveConfig config, String topic) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : ConnectorsTestKit.readCommitted(config, topic)) {
            out.add(json(r.value()).get("raw").asText());
        }
        out.sort(null);
        return out;
    }

    /** The malformed payloads the input holds, sorted. */
    static List<String> malformedPayloads(ConnectorsTestKit.Input input) {
        List<String> out = new ArrayList<>();
        for (String[] r : input.records) {
            if (r[0].startsWith("bad-")) {
                out.add(r[1]);
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Every sink holds exactly what the input asks for: the same decision per distinct valid invoice
     * in PostgreSQL and Kafka, the documents exactly the flagged ones, the DLQ exactly the malformed
     * payloads. Returns the decisions.
     */
    static Map<String, String> assertExact(SieveConfig config, ConnectorsTestKit.Input input, String name) throws Exception {
        Map<String, String> kafka = kafkaDecisions(config, name + "-decisions");
        assertThat(kafka.keySet()).as("Kafka decisions").isEqualTo(input.distinctValid);
        Map<String, String> postgres = postgresDecisions(config);
        assertThat(postgres).as("PostgreSQL rows = Kafka records").isEqualTo(kafka);
        assertThat(ConnectorsTestKit.documentIds(config)).as("OpenSearch documents = flagged decisions")
                .isEqualTo(flagged(kafka));
        assertThat(ConnectorsTestKit.documentCount(config)).isEqualTo(flagged(kafka).size());
        assertThat(deadLetterPayloads(config, name + "-dlq")).as("DLQ").isEqualTo(malformedPayloads(input));
        return kafka;
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
