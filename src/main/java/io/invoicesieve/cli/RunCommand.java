package io.invoicesieve.cli;

import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sinks.OpenSearchDecisionSink;
import io.invoicesieve.sinks.PostgresDecisionSink;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.state.Uids;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code run [--config f.properties] [--<setting> <value>]}: the production job, what the Kubernetes
 * operator starts. Invoices from Kafka; decisions to Kafka, PostgreSQL and (REVIEW and HOLD only)
 * OpenSearch; dead letters to Kafka. Checkpointing, state backend and restart strategy are Flink
 * settings (execution.checkpointing.interval, ...) from the same configuration or the cluster's.
 */
public final class RunCommand {

    private RunCommand() {}

    public static int run(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        SieveConfig config = SieveConfig.fromArgs(args, flags);
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("Unknown option '--" + flags.keySet().iterator().next() + "'");
        }
        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        pipeline(config, env, UnaryOperator.identity()).build(env);
        env.execute("invoice-sieve");
        return 0;
    }

    /**
     * The production wiring, not built yet. {@code source} may adjust the Kafka source (tests make it
     * bounded). Kafka sinks are exactly-once when {@code env} checkpoints, at-least-once otherwise.
     */
    public static InvoiceSievePipeline pipeline(
            SieveConfig config,
            StreamExecutionEnvironment env,
            UnaryOperator<KafkaSourceBuilder<InboundRecord>> source) {
        boolean checkpointing = env.getCheckpointConfig().isCheckpointingEnabled();
        return InvoiceSievePipeline.with(config)
                .source(source.apply(KafkaInvoiceSource.builder(config)).build())
                .decisionSink(Uids.DECISIONS_KAFKA_SINK, "Decisions to Kafka", KafkaSinks.decisions(config, checkpointing))
                .decisionSink(Uids.DECISIONS_JDBC_SINK, "Decisions to PostgreSQL", PostgresDecisionSink.create(config))
                .decisionSink(new InvoiceSievePipeline.DecisionSink(
                        Uids.DECISIONS_OPENSEARCH_SINK, "Flagged decisions to OpenSearch",
                        OpenSearchDecisionSink.create(config),
                        !config.get(ConnectorOptions.OPENSEARCH_DELETE_ON_PASS), null))
                .deadLetterSink(Uids.DEAD_LETTER_KAFKA_SINK, "Dead letters to Kafka", KafkaSinks.deadLetters(config, checkpointing));
    }
}
