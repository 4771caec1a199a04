package io.invoicesieve.cli;

import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.ControlOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.sinks.KafkaSinks;
import io.invoicesieve.sinks.OpenSearchDecisionSink;
import io.invoicesieve.sinks.OpenSearchDispositionSink;
import io.invoicesieve.sinks.PostgresControlSink;
import io.invoicesieve.sinks.PostgresDecisionSink;
import io.invoicesieve.sources.KafkaControlSource;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.state.Uids;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * {@code run [--config f.properties] [--<setting> <value>]}: the production job, what the Kubernetes
 * operator starts. Invoices from Kafka; decisions to Kafka, PostgreSQL and (REVIEW and HOLD only)
 * OpenSearch; dead letters to Kafka. Checkpointing, state backend and restart strategy are Flink
 * settings (execution.checkpointing.interval, ...) from the same configuration or the cluster's.
 *
 * <p>It runs on a Flink cluster (flink run, application mode: {@link Cli#insideFlink()}); started
 * with {@code java -jar} it refuses, unless {@code --local-cluster} asks for an embedded MiniCluster.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "The production job: Kafka in; Kafka, PostgreSQL and OpenSearch out.",
            "Submit it to a Flink cluster: `flink run target/invoice-sieve-job.jar run",
            "--config <f>` or application mode (k8s-operator/); started with java -jar",
            "it needs --local-cluster. Connectors: jobs/invoice-sieve/CONNECTORS.md."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class RunCommand extends SettingsCommand implements Callable<Integer> {

    static final String NO_CLUSTER =
            "no Flink cluster: submit the job jar to one (`flink run target/invoice-sieve-job.jar run --config <f>`,"
                    + " or application mode: k8s-operator/), or pass --local-cluster to run it in an embedded MiniCluster";

    @Option(names = "--local-cluster",
            description = "run in an embedded MiniCluster of this JVM when not submitted to a Flink cluster"
                    + " (development; without it, `run` outside a cluster is refused)")
    boolean localCluster;

    public RunCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        if (!localCluster && !Cli.insideFlink()) {
            throw usage(NO_CLUSTER);
        }
        Preflight.check(config); // each service reachable, or one line naming it and its setting
        // ops: the effective configuration, secrets masked (SieveConfig#toString), once at start
        org.apache.logging.log4j.LogManager.getLogger(RunCommand.class).info("invoice-sieve {} run: effective configuration {}",
                io.invoicesieve.job.JobVersion.get(), config);
        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        pipeline(config, env, UnaryOperator.identity()).build(env);
        env.execute("invoice-sieve");
        return Cli.OK;
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
        KafkaSource<InboundRecord> invoices = source.apply(KafkaInvoiceSource.builder(config)).build();
        InvoiceSievePipeline pipeline = InvoiceSievePipeline.with(config)
                .source(invoices)
                .decisionSink(Uids.DECISIONS_KAFKA_SINK, "Decisions to Kafka", KafkaSinks.decisions(config, checkpointing))
                .decisionSink(Uids.DECISIONS_JDBC_SINK, "Decisions to PostgreSQL", PostgresDecisionSink.create(config))
                .decisionSink(new InvoiceSievePipeline.DecisionSink(
                        Uids.DECISIONS_OPENSEARCH_SINK, "Flagged decisions to OpenSearch",
                        OpenSearchDecisionSink.create(config),
                        !config.get(ConnectorOptions.OPENSEARCH_DELETE_ON_PASS), null))
                .deadLetterSink(Uids.DEAD_LETTER_KAFKA_SINK, "Dead letters to Kafka", KafkaSinks.deadLetters(config, checkpointing));
        // the analysts' loop: dispositions and controls in (bounded when the invoices are: tests), audited
        if (config.get(ControlOptions.CONTROLS_ENABLED)) {
            pipeline.controlSource(KafkaControlSource.create(config, invoices.getBoundedness() == Boundedness.BOUNDED))
                    .controlSink(Uids.CONTROL_AUDIT_JDBC_SINK, "Control changes to PostgreSQL", PostgresControlSink.create(config))
                    .controlSink(Uids.DISPOSITION_OPENSEARCH_SINK, "Dispositions onto the analysts' documents",
                            OpenSearchDispositionSink.create(config));
        }
        return pipeline;
    }
}
