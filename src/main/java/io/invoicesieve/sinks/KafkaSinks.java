package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;

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
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<Decision>builder()
                                .setTopic(config.get(ConnectorOptions.KAFKA_DECISIONS_TOPIC))
                                .setKeySerializationSchema(new DecisionKey())
                                .setValueSerializationSchema(new DecisionValue())
                                .build())
                .setDeliveryGuarantee(guarantee(checkpointing))
                .setTransactionalIdPrefix(config.get(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-decisions")
                .build();
    }

    public static KafkaSink<DeadLetter> deadLetters(SieveConfig config, boolean checkpointing) {
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(
                        KafkaRecordSerializationSchema.<DeadLetter>builder()
                                .setTopic(config.get(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC))
                                .setValueSerializationSchema(new DeadLetterValue())
                                .build())
                .setDeliveryGuarantee(guarantee(checkpointing))
                .setTransactionalIdPrefix(config.get(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX) + "-dlq")
                .build();
    }

    static DeliveryGuarantee guarantee(boolean checkpointing) {
        return checkpointing ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE;
    }

    /** Client settings (security.protocol, sasl.*, ssl.*, ...) plus the transaction timeout. */
    public static Properties producerProperties(SieveConfig config) {
        Properties properties = new Properties();
        properties.putAll(config.prefixed(ConnectorOptions.KAFKA_PROPERTIES_PREFIX));
        properties.setProperty(
                "transaction.timeout.ms", String.valueOf(config.millis(ConnectorOptions.KAFKA_TRANSACTION_TIMEOUT)));
        return properties;
    }

    /** {@code tenant_id:invoice_id}: all writes of one invoice land in one partition, in order. */
    static final class DecisionKey implements SerializationSchema<Decision> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Decision d) {
            return (d.tenantId + ":" + d.invoiceId).getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class DecisionValue implements SerializationSchema<Decision> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(Decision d) {
            return DecisionJson.toJsonBytes(d);
        }
    }

    static final class DeadLetterValue implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(DeadLetter d) {
            return DecisionJson.toJsonBytes(d);
        }
    }
}
