package io.invoicesieve.sources;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.InvoiceParser;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import java.time.Duration;
import java.util.Properties;

/**
 * The invoice topic as a {@link KafkaSource}. Records are parsed in the source (once), so that the
 * pipeline's watermarks are generated per partition from the invoices' event times; a record that is
 * not an invoice becomes a dead letter whose origin names topic, partition and offset.
 */
public final class KafkaInvoiceSource {

    private KafkaInvoiceSource() {}

    /** The configured source builder; {@code run} builds it as is, tests make it bounded first. */
    public static KafkaSourceBuilder<InboundRecord> builder(SieveConfig config) {
        // references (${env:..}, ${file:..}) stay unresolved: the Kafka clients resolve them (Secrets)
        Properties properties = Secrets.kafkaProperties(config);
        properties.setProperty(
                "partition.discovery.interval.ms",
                String.valueOf(config.millis(ConnectorOptions.KAFKA_PARTITION_DISCOVERY)));
        properties.setProperty("commit.offsets.on.checkpoint", "true");
        return KafkaSource.<InboundRecord>builder()
                .setBootstrapServers(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS))
                .setTopics(config.get(ConnectorOptions.KAFKA_INPUT_TOPIC))
                .setGroupId(config.get(ConnectorOptions.KAFKA_GROUP_ID))
                .setStartingOffsets(startingOffsets(config.get(ConnectorOptions.KAFKA_STARTING_OFFSETS)))
                .setDeserializer(new InvoiceDeserializer(config.get(SieveOptions.MAX_FUTURE_SKEW)))
                .setProperties(properties);
    }

    static OffsetsInitializer startingOffsets(String setting) {
        switch (setting) {
            case "earliest":
                return OffsetsInitializer.earliest();
            case "latest":
                return OffsetsInitializer.latest();
            case "committed":
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            default: // timestamp:<ms>, validated by ConnectorOptions
                return OffsetsInitializer.timestamp(Long.parseLong(setting.substring("timestamp:".length())));
        }
    }

    /** Parses each record's value; never throws (a bad record becomes a dead letter). */
    public static final class InvoiceDeserializer implements KafkaRecordDeserializationSchema<InboundRecord> {
        private static final long serialVersionUID = 1L;
        private final InvoiceParser parser;

        /** With the default {@code sieve.input.max-future-skew}. */
        public InvoiceDeserializer() {
            this(SieveOptions.MAX_FUTURE_SKEW.defaultValue());
        }

        public InvoiceDeserializer(Duration maxFutureSkew) {
            this.parser = new InvoiceParser(maxFutureSkew);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InboundRecord> out) {
            out.collect(parser.parseRecord(
                    record.value(), "kafka:" + record.topic() + "/" + record.partition() + "@" + record.offset()));
        }

        @Override
        public TypeInformation<InboundRecord> getProducedType() {
            return Types.POJO(InboundRecord.class);
        }
    }
}
