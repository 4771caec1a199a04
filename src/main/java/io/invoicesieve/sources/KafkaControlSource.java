package io.invoicesieve.sources;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.ControlOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.control.ControlCodec;
import io.invoicesieve.control.ControlState;
import io.invoicesieve.control.ControlUpdate;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.util.List;
import java.util.Properties;

/**
 * The dispositions and controls topics as one {@link KafkaSource} of {@link ControlUpdate}s. A job
 * without checkpoint or savepoint reads both from the earliest offset (the topics are the log of every
 * change; the broadcast state is rebuilt from them), a restored one from its checkpointed offsets. A
 * record that is not a valid disposition or control is logged and skipped (it changes nothing).
 */
public final class KafkaControlSource {

    private static final Logger LOG = LogManager.getLogger(KafkaControlSource.class);

    private KafkaControlSource() {}

    /** {@code bounded}: stop at the offsets of the start (tests whose invoice source is bounded too). */
    public static KafkaSource<ControlUpdate> create(SieveConfig config, boolean bounded) {
        // as the invoice source: secrets stay references, resolved by Kafka's config providers in the task
        Properties properties = Secrets.kafkaProperties(config);
        properties.setProperty("commit.offsets.on.checkpoint", "true");
        KafkaSourceBuilder<ControlUpdate> builder = KafkaSource.<ControlUpdate>builder()
                .setBootstrapServers(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(List.of(config.get(ControlOptions.KAFKA_DISPOSITIONS_TOPIC),
                        config.get(ControlOptions.KAFKA_CONTROLS_TOPIC)))
                .setGroupId(config.get(ConnectorOptions.KAFKA_GROUP_ID) + "-controls")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new ControlDeserializer())
                .setProperties(properties);
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** Parses each record's value; a bad one is logged and dropped. */
    public static final class ControlDeserializer implements KafkaRecordDeserializationSchema<ControlUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ControlUpdate> out) {
            try {
                out.collect(ControlCodec.parse(record.value()));
            } catch (IllegalArgumentException e) {
                LOG.warn("Skipped control record {}/{}@{}: {}", record.topic(), record.partition(), record.offset(),
                        e.getMessage());
            }
        }

        @Override
        public TypeInformation<ControlUpdate> getProducedType() {
            return ControlState.TYPE;
        }
    }
}
