package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.ControlCodec;
import io.invoicesieve.sinks.KafkaSinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** What the disposition and control commands share: the JSON, its check, the write to Kafka. */
final class ControlRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    private ControlRecords() {}

    /** Checks the record the way the job will read it, then sends it (acks=all, idempotent); returns where. */
    static String send(SieveConfig config, String topic, String key, ObjectNode record) throws Exception {
        String json = record.toString();
        ControlCodec.parse(json); // fails here, not silently in the job
        Properties p = KafkaSinks.producerProperties(config);
        p.remove("transaction.timeout.ms");
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS));
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            RecordMetadata m = producer.send(new ProducerRecord<>(topic, key, json)).get(60, TimeUnit.SECONDS);
            return topic + "/" + m.partition() + "@" + m.offset();
        }
    }
}
