package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.sinks.JsonLinesFileSink;
import io.invoicesieve.sinks.OpenSearchDecisionSink;
import io.invoicesieve.sinks.PostgresBackfillSink;
import io.invoicesieve.sinks.PostgresDecisionSink;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.sources.KafkaInvoiceSource;
import io.invoicesieve.sources.PostgresQuerySource;
import io.invoicesieve.state.Uids;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code backfill --run-id <id> (--input <export> | --kafka-offsets <range> | --postgres-query <sql>) [--tenant t]
 * [--from d] [--to d] [--output <dir>] [--postgres] [--opensearch] [--replace]}: re-scores a bounded input after a logic change, with the
 * very pipeline of {@code run} ({@link InvoiceSievePipeline}) in Flink's BATCH execution mode.
 *
 * <p>Inputs: a JSON-lines export (file or directory, like {@code local}), or a range of offsets of the
 * invoice topic ({@code all} = earliest to the end at start, or {@code <partition>:<from>-<to>,...}, to
 * exclusive), or a PostgreSQL query ({@link PostgresQuerySource}: one column of invoice JSON, or the
 * contract's fields as columns). {@code --tenant} and {@code --from}/{@code --to} (event dates, UTC, inclusive) select what
 * is re-scored; a selection by date loses the history before it, so its decisions are those of a job
 * that started at {@code --from}.
 *
 * <p>Outputs, each decision tagged with the run id: {@code --output <dir>} writes
 * {@code decisions.jsonl} (every line with {@code "run_id"}) and {@code dlq.jsonl}; {@code --postgres} writes
 * the table {@code backfill_decisions} keyed by (run_id, tenant_id, invoice_id); {@code --opensearch}
 * indexes the flagged decisions into their own index {@code <sieve.opensearch.index>-backfill-<run-id>}.
 * {@code --replace} writes into the production PostgreSQL table and OpenSearch alias instead (upserts by
 * (tenant_id, invoice_id), as the streaming job does).
 *
 * <p>The run id is added by the sinks, not carried in {@link Decision}: it is one value for a whole
 * run, known when the job is built, and a field in the record would change the record's serializer
 * (and the streaming job's wire format) for a value the streaming job never has.
 *
 * <p>Same results as streaming on the same input: in BATCH mode Flink sorts each keyed stage's input by
 * key and event time, so a vendor's invoices are scored in event-time order; the streaming job scores
 * them in arrival order. Where the two orders agree (an export in event-time order), every decision is
 * the same ({@code BackfillParityITCase}); timers fire at the end of the input instead of with the
 * watermark, and no invoice is late.
 */
@Command(
        name = "backfill",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Re-score a bounded input (JSON-lines export, Kafka offset range or PostgreSQL query) in BATCH mode.",
            "Decisions are tagged with --run-id and written to their own files, table or index,",
            "or into the production table and index with --replace."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class BackfillCommand extends SettingsCommand implements Callable<Integer> {

    static final Pattern RUN_ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,47}");

    @Option(names = "--run-id", required = true, paramLabel = "<id>",
            description = "id of this run, tagged on every decision ([a-z0-9_-], up to 48 characters)")
    String runId;

    static final class Input {
        @Option(names = "--input", paramLabel = "<file.jsonl|dir>",
                description = "a JSON-lines export (a file, or a directory of files)")
        java.nio.file.Path file;

        @Option(names = "--kafka-offsets", paramLabel = "<all|p:from-to,...>",
                description = "offsets of the invoice topic (sieve.kafka.input-topic): all, or partition:from-to (to exclusive)")
        String kafkaOffsets;

        @Option(names = "--postgres-query", paramLabel = "<sql>",
                description = "a query on sieve.jdbc.url (read-only): one column of invoice JSON, or the contract's fields as columns")
        String postgresQuery;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    @Option(names = "--tenant", paramLabel = "<tenant_id>", description = "re-score only this tenant (repeatable)")
    List<String> tenants = new ArrayList<>();

    @Option(names = "--from", paramLabel = "<yyyy-mm-dd>", description = "first event date (UTC) to re-score")
    LocalDate from;

    @Option(names = "--to", paramLabel = "<yyyy-mm-dd>", description = "last event date (UTC) to re-score")
    LocalDate to;

    @Option(names = "--output", paramLabel = "<dir>", description = "write decisions.jsonl (with run_id) and dlq.jsonl here")
    java.nio.file.Path output;

    @Option(names = "--postgres", description = "write decisions into the table backfill_decisions, keyed by run id")
    boolean postgres;

    @Option(names = "--opensearch", description = "index flagged decisions into <sieve.opensearch.index>-backfill-<run-id>")
    boolean opensearch;

    @Option(names = "--replace",
            description = "write into the production PostgreSQL table and OpenSearch alias instead (upsert by invoice)")
    boolean replace;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallelism (default: ${DEFAULT-VALUE})")
    int parallelism;

    public BackfillCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        Run run = new Run();
        run.runId = runId;
        run.inputFile = input.file;
        run.kafkaOffsets = input.kafkaOffsets;
        run.postgresQuery = input.postgresQuery;
        run.tenants = new LinkedHashSet<>(tenants);
        run.from = from;
        run.to = to;
        run.output = output;
        run.postgres = postgres;
        run.opensearch = opensearch;
        run.replace = replace;
        run.parallelism = parallelism;
        try {
            run.check();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        long millis = execute(config, run);
        out().printf("backfill %s: done in %d ms%s%n", runId, millis,
                output == null ? "" : "; decisions in " + output.resolve("decisions.jsonl"));
        out().flush();
        return Cli.OK;
    }

    /** What to backfill; {@link #check()} validates it. */
    public static final class Run {
        public String runId;
        public java.nio.file.Path inputFile;
        public String kafkaOffsets;
        public String postgresQuery;
        public Set<String> tenants = new LinkedHashSet<>();
        public LocalDate from;
        public LocalDate to;
        public java.nio.file.Path output;
        public boolean postgres;
        public boolean opensearch;
        public boolean replace;
        public int parallelism = 2;

        void check() {
            if (runId == null || !RUN_ID.matcher(runId).matches()) {
                throw new IllegalArgumentException("--run-id must match " + RUN_ID.pattern() + ", was '" + runId + "'");
            }
            int inputs = (inputFile == null ? 0 : 1) + (kafkaOffsets == null ? 0 : 1) + (postgresQuery == null ? 0 : 1);
            if (inputs != 1) {
                throw new IllegalArgumentException("give exactly one of --input, --kafka-offsets and --postgres-query");
            }
            if (postgresQuery != null && postgresQuery.isBlank()) {
                throw new IllegalArgumentException("--postgres-query must not be empty");
            }
            if (inputFile != null) {
                LocalCommand.checkInput(inputFile);
            }
            if (kafkaOffsets != null) {
                parseOffsets(kafkaOffsets, "t");
            }
            if (from != null && to != null && to.isBefore(from)) {
                throw new IllegalArgumentException("--to " + to + " is before --from " + from);
            }
            if (parallelism < 1) {
                throw new IllegalArgumentException("--parallelism must be at least 1, was " + parallelism);
            }
            if (output == null && !postgres && !opensearch && !replace) {
                throw new IllegalArgumentException("nowhere to write: give --output, --postgres, --opensearch or --replace");
            }
            if (replace && postgres) {
                throw new IllegalArgumentException("--replace writes the production table: --postgres (the run's own table) contradicts it");
            }
            if (output != null) {
                LocalCommand.checkOutputDirectory("--output", output, true);
            }
        }
    }

    /** Runs the backfill to its end; returns the job's runtime in milliseconds. */
    public static long execute(SieveConfig config, Run run) throws Exception {
        run.check();
        org.apache.logging.log4j.LogManager.getLogger(BackfillCommand.class).info(
                "invoice-sieve backfill {}: effective configuration {}", run.runId, config);
        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        flink.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL); // no checkpoints in BATCH
        flink.setString(RestartStrategyOptions.RESTART_STRATEGY.key(),
                flink.getString(RestartStrategyOptions.RESTART_STRATEGY.key(), "none"));
        flink.set(CoreOptions.DEFAULT_PARALLELISM, run.parallelism);
        StreamExecutionEnvironment env = Cli.insideFlink()
                ? StreamExecutionEnvironment.getExecutionEnvironment(flink)
                : StreamExecutionEnvironment.createLocalEnvironment(run.parallelism, flink);
        env.setRuntimeMode(RuntimeExecutionMode.BATCH);

        InvoiceSievePipeline pipeline = InvoiceSievePipeline.with(config).source(source(config, run));
        FilterFunction<Invoice> selection = selection(run.tenants, run.from, run.to);
        if (selection != null) {
            pipeline.select(selection);
        }
        String tag = run.runId;
        if (run.output != null) {
            pipeline.decisionSink(new InvoiceSievePipeline.DecisionSink(
                    Uids.DECISIONS_FILE_SINK, "decisions.jsonl",
                    new JsonLinesFileSink<Decision>(run.output.resolve("decisions.jsonl"), d -> withRunId(DecisionJson.toJsonBytes(d), tag)),
                    false, 1));
            pipeline.deadLetterSink(new InvoiceSievePipeline.DeadLetterSink(
                    Uids.DEAD_LETTER_FILE_SINK, "dlq.jsonl",
                    new JsonLinesFileSink<DeadLetter>(run.output.resolve("dlq.jsonl"), DecisionJson::toJsonBytes), 1));
        }
        if (run.postgres) {
            pipeline.decisionSink(Uids.BACKFILL_JDBC_SINK, "Decisions to backfill_decisions", PostgresBackfillSink.create(config, tag));
        }
        if (run.replace) {
            pipeline.decisionSink(Uids.DECISIONS_JDBC_SINK, "Decisions to PostgreSQL", PostgresDecisionSink.create(config));
            pipeline.decisionSink(new InvoiceSievePipeline.DecisionSink(Uids.DECISIONS_OPENSEARCH_SINK,
                    "Flagged decisions to OpenSearch", OpenSearchDecisionSink.create(config),
                    !config.get(ConnectorOptions.OPENSEARCH_DELETE_ON_PASS), null));
        } else if (run.opensearch) {
            Map<String, String> own = new HashMap<>(config.flinkConfiguration().toMap());
            own.put(ConnectorOptions.OPENSEARCH_INDEX.key(), backfillIndex(config, run.runId));
            pipeline.decisionSink(new InvoiceSievePipeline.DecisionSink(Uids.DECISIONS_OPENSEARCH_SINK,
                    "Flagged decisions to " + backfillIndex(config, run.runId),
                    OpenSearchDecisionSink.create(SieveConfig.of(own)), true, null));
        }
        pipeline.build(env);
        JobExecutionResult result = env.execute("invoice-sieve backfill " + run.runId);
        return result.getNetRuntime(TimeUnit.MILLISECONDS);
    }

    /** The run's own OpenSearch index: {@code <sieve.opensearch.index>-backfill-<run-id>}. */
    public static String backfillIndex(SieveConfig config, String runId) {
        return config.get(ConnectorOptions.OPENSEARCH_INDEX) + "-backfill-" + runId;
    }

    private static Source<InboundRecord, ?, ?> source(SieveConfig config, Run run) {
        if (run.postgresQuery != null) {
            return PostgresQuerySource.create(config, run.postgresQuery);
        }
        if (run.inputFile != null) {
            return FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(run.inputFile.toAbsolutePath().toUri()))
                    .build();
        }
        String topic = config.get(ConnectorOptions.KAFKA_INPUT_TOPIC);
        KafkaSourceBuilder<InboundRecord> builder = KafkaInvoiceSource.builder(config)
                .setGroupId(config.get(ConnectorOptions.KAFKA_GROUP_ID) + "-backfill-" + run.runId);
        if ("all".equals(run.kafkaOffsets)) {
            builder.setStartingOffsets(OffsetsInitializer.earliest()).setBounded(OffsetsInitializer.latest());
        } else {
            Map<TopicPartition, long[]> ranges = parseOffsets(run.kafkaOffsets, topic);
            Map<TopicPartition, Long> start = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            ranges.forEach((tp, r) -> {
                start.put(tp, r[0]);
                end.put(tp, r[1]);
            });
            builder.setStartingOffsets(OffsetsInitializer.offsets(start)).setBounded(OffsetsInitializer.offsets(end));
        }
        return builder.build();
    }

    /** {@code all}, or {@code <partition>:<from>-<to>,...} (to exclusive) into partition -> {from, to}. */
    static Map<TopicPartition, long[]> parseOffsets(String spec, String topic) {
        Map<TopicPartition, long[]> ranges = new HashMap<>();
        if ("all".equals(spec)) {
            return ranges;
        }
        for (String part : spec.split(",")) {
            java.util.regex.Matcher m = Pattern.compile("\\s*(\\d+):(\\d+)-(\\d+)\\s*").matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException("--kafka-offsets: '" + part + "' is not <partition>:<from>-<to> (or use all)");
            }
            long fromOffset = Long.parseLong(m.group(2));
            long toOffset = Long.parseLong(m.group(3));
            if (toOffset < fromOffset) {
                throw new IllegalArgumentException("--kafka-offsets: " + part + " ends before it starts");
            }
            ranges.put(new TopicPartition(topic, Integer.parseInt(m.group(1))), new long[] {fromOffset, toOffset});
        }
        return ranges;
    }

    /** The selection of invoices to re-score, or null for all. */
    static FilterFunction<Invoice> selection(Set<String> tenants, LocalDate from, LocalDate to) {
        if (tenants.isEmpty() && from == null && to == null) {
            return null;
        }
        Set<String> only = new java.util.HashSet<>(tenants);
        long fromMillis = from == null ? Long.MIN_VALUE : from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long toMillis = to == null ? Long.MAX_VALUE : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return invoice -> (only.isEmpty() || only.contains(invoice.tenantId))
                && invoice.eventTimeMillis() >= fromMillis && invoice.eventTimeMillis() < toMillis;
    }

    /** The decision's JSON with {@code "run_id"} first: {@code {"run_id":"<id>",...}}. */
    static byte[] withRunId(byte[] json, String runId) {
        byte[] head = ("{\"run_id\":\"" + runId + "\",").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + json.length - 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 1, out, head.length, json.length - 1);
        return out;
    }
}
