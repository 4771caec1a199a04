package io.invoicesieve.bench;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.state.Uids;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The job of the out-of-process latency benchmark ({@link EndToEndLatencyBenchmark}), submitted to a
 * standalone Flink cluster: the production job's Kafka path, as {@code run} wires it (KafkaInvoiceSource,
 * InvoiceSievePipeline, KafkaSinks for decisions and dead letters, exactly-once when the cluster
 * checkpoints) without the PostgreSQL and OpenSearch sinks. Program arguments are the job's settings,
 * {@code --sieve.<key> <value> ...}; every Flink setting (state backend, checkpoints, buffer timeout)
 * comes from the cluster's configuration. It runs in the cluster from a copy of the job jar with this
 * one class added, so it may use only classes of the job jar.
 */
public final class LatencyJob {

    private LatencyJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --<setting> <value>, got " + args[i]);
            }
            settings.put(args[i].substring(2), args[i + 1]);
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("a setting without a value: " + args[args.length - 1]);
        }
        SieveConfig config = SieveConfig.of(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean checkpointing = env.getCheckpointConfig().isCheckpointingEnabled();
        InvoiceSievePipeline.with(config)
                .source(KafkaInvoiceSource.builder(config).build())
                .decisionSink(Uids.DECISIONS_KAFKA_SINK, "Decisions to Kafka", KafkaSinks.decisions(config, checkpointing))
                .deadLetterSink(Uids.DEAD_LETTER_KAFKA_SINK, "Dead letters to Kafka", KafkaSinks.deadLetters(config, checkpointing))
                .build(env);
        env.execute("invoice-sieve latency benchmark");
    }
}
