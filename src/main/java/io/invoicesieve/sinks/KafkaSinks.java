package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The decisions and dead-letter topics. Exactly-once (Kafka transactions committed on checkpoint
 * completion; consumers read with isolation.level=read_committed) when the job checkpoints,
 * at-least-once otherwise: a Kafka transaction without checkpoints would never commit.
 */
public final class KafkaSinks {

    private KafkaSinks() {}

    public static KafkaSink<Decision> decisions(SieveConfig config, boolean checkpointing) {
        return KafkaSink.<Decision>builder()
                .setBootstrapServers(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(new DecisionRecords(config.get(ConnectorOptions.KAFKA_DECISIONS_TOPIC)))
                .setDeliveryGuarantee(guarantee(checkpointing))
                .setTransactionalIdPrefix(config.get(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-decisions")
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetters(SieveConfig config, boolean checkpointing) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(new DeadLetterRecords(config.get(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC)))
                .setDeliveryGuarantee(guarantee(checkpointing))
                .setTransactionalIdPrefix(config.get(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-dlq")
                .build();
    }

    static DeliveryGuarantee guarantee(boolean checkpointing) {
        return checkpointing ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
    }

    /**
     * Client settings (security.protocol, sasl.*, ssl.*, ...; secrets as references the client resolves,
     * see {@link Secrets#kafkaProperties}) plus the transaction timeout.
     */
    public static Properties producerProperties(SieveConfig config) {
        Properties properties = Secrets.kafkaProperties(config);
        properties.setProperty(
                "transaction.timeout.ms", String.valueOf(config.millis(ConnectorOptions.KAFKA_TRANSACTION_TIMEOUT)));
        return properties;
    }

    /**
     * Key {@code tenant_id:invoice_id} (all writes of one invoice in one partition, in order), value
     * the decision JSON, record timestamp {@code decided_at}. Not the stream's timestamp, which is the
     * invoice's event time: for a backfill that is months old, and the topic's time-based retention
     * (and segment rolling) would delete such decisions right after they were written.
     */
    static final class DecisionRecords implements KafkaRecordSerializationSchema<Decision> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        DecisionRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Decision d, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(
                    topic, null, d.decidedAt == null ? null : d.decidedAt.toEpochMilli(),
                    decisionKey(d).getBytes(StandardCharsets.UTF_8), DecisionJson.toJsonBytes(d));
        }
    }

    /**
     * {@code tenant_id:invoice_id}: injective because a tenant id cannot contain ':' (the parser
     * allows only {@code [A-Za-z0-9._-]}), so the first ':' always ends the tenant.
     */
    public static String decisionKey(Decision d) {
        return d.tenantId + ":" + d.invoiceId;
    }

    /** No key; value the dead letter JSON; record timestamp when it was rejected (see above). */
    static final class DeadLetterRecords implements KafkaRecordSerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        DeadLetterRecords(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, d.rejectedAt > 0 ? d.rejectedAt : null, null, DecisionJson.toJsonBytes(d));
        }
    }
}
