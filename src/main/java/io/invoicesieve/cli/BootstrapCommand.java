package io.invoicesieve.cli;

import io.invoicesieve.job.JobVersion;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.config.SieveOptions;
import io.invoicesieve.detect.DetectorSettings;
import io.invoicesieve.functions.AccountSharingBootstrap;
import io.invoicesieve.functions.InvoiceScorer;
import io.invoicesieve.functions.InvoiceScorerBootstrap;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.model.Invoice;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.state.Uids;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.StateBootstrapTransformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code bootstrap --input <export.jsonl|dir> --output <savepoint-dir>}: a warm start. Reads a
 * JSON-lines export of historical invoices and writes a savepoint with the state the job would
 * have built from them, for the uids {@code invoice-scorer} and {@code account-sharing}; start the job from it with {@code execution.savepoint.path}.
 *
 * <p>Runs in BATCH mode: keyed input is sorted by key and timestamp (the invoice's event time),
 * so each key sees its history in event-time order. Re-deliveries of an invoice (same tenant,
 * vendor and invoice_id, as the scorer's {@code invoice-deliveries} state defines them) are dropped first,
 * so account sharing sees first deliveries only, as it does behind the scorer in the job.
 * Malformed lines are counted and reported, never fatal. The savepoint's max parallelism is
 * {@code pipeline.max-parallelism} (default {@link InvoiceSievePipeline#DEFAULT_MAX_PARALLELISM}),
 * which must equal the job's. Use the same {@code sieve.*} settings as the job: retentions and
 * the duplicate index bound depend on them.
 */
@Command(
        name = "bootstrap",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Warm start: write a savepoint with the state built from past invoices.",
            "Malformed lines are counted and skipped. Start the job from it with",
            "--execution.savepoint.path <savepoint-dir>. Use the job's sieve.* settings",
            "and its pipeline.max-parallelism (default 128)."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class BootstrapCommand extends SettingsCommand implements Callable<Integer> {

    /** The state backends a savepoint can be written and read with. */
    public enum Backend { hashmap, rocksdb }

    @Option(names = "--input", required = true, paramLabel = "<export.jsonl|dir>",
            description = "historical invoices, one JSON object a line (a file or a directory)")
    java.nio.file.Path input;

    @Option(names = "--output", required = true, paramLabel = "<savepoint-dir>",
            description = "directory of the new savepoint (must not hold one yet)")
    java.nio.file.Path output;

    @Option(names = "--state-backend", paramLabel = "hashmap|rocksdb", defaultValue = "hashmap",
            description = "state backend of the savepoint: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    Backend backend;

    // Default 1, not 2: at parallelism 2 the State Processor API job stalled (no CPU, no error) on a
    // year of 10K vendors (benchmarks/README, preset ledger-year; heap and RocksDB, managed memory
    // 128 MB or 1 GB), while it finished at 1 in about 2.5 min; a 60-day input finished at 2.
    // Not yet understood (benchmarks/REPORT.md, round five): until it is, the default is the one
    // that finishes.
    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "1",
            description = "parallelism of the bootstrap job, at least 1 (default: ${DEFAULT-VALUE}; 2 stalled on a"
                    + " year of 10K vendors, see benchmarks/REPORT.md)")
    int parallelism;

    static final String PARSED = "bootstrap.invoices";
    static final String MALFORMED = "bootstrap.malformed";
    static final String MALFORMED_SAMPLES = "bootstrap.malformed-samples";
    static final String DISTINCT = "bootstrap.distinct-invoices";
    private static final int MAX_SAMPLES = 5;

    public BootstrapCommand() {}

    /** What a bootstrap read and wrote. */
    public static final class Result {
        public final long invoices;
        public final long malformed;
        public final List<String> malformedSamples;
        public final long distinctInvoices;
        public final String savepoint;
        public final int maxParallelism;

        Result(long invoices, long malformed, List<String> malformedSamples, long distinctInvoices, String savepoint, int maxParallelism) {
            this.invoices = invoices;
            this.malformed = malformed;
            this.malformedSamples = malformedSamples;
            this.distinctInvoices = distinctInvoices;
            this.savepoint = savepoint;
            this.maxParallelism = maxParallelism;
        }

        String format() {
            StringBuilder b = new StringBuilder();
            b.append(String.format("invoice-sieve bootstrap: %d invoices (%d distinct), %d malformed lines%n",
                    invoices, distinctInvoices, malformed));
            for (String sample : malformedSamples) {
                b.append("  malformed: ").append(sample).append(String.format("%n"));
            }
            b.append(String.format("  savepoint: %s (max parallelism %d, uids %s, %s)%n",
                    savepoint, maxParallelism, Uids.INVOICE_SCORER, Uids.ACCOUNT_SHARING));
            b.append(String.format("  start the job with --execution.savepoint.path %s%n", savepoint));
            return b.toString();
        }
    }

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        Result result = bootstrap(config, input.toString(), output.toString(), backend.name(), parallelism);
        out().print(result.format());
        out().flush();
        return Cli.OK;
    }

    public static Result bootstrap(SieveConfig config, String input, String output, String backendName, int parallelism)
            throws Exception {
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, was " + parallelism);
        }
        LocalCommand.checkInput(Paths.get(input));
        java.nio.file.Path out = Paths.get(output).toAbsolutePath();
        if (Files.exists(out.resolve("_metadata"))) {
            throw new IllegalArgumentException("--output " + output + " already holds a savepoint");
        }
        LocalCommand.checkOutputDirectory("--output", Paths.get(output), false);
        Configuration flink = config.flinkConfiguration();
        // The State Processor API ships the written state handles between its own operators as
        // TaggedOperatorSubtaskState, which it types as a generic (Kryo) type, so this one job
        // cannot run with pipeline.generic-types=false. None of our records or state goes through
        // Kryo: every stream below and every state descriptor has explicit TypeInformation, and
        // the savepoint restores into the job with generic types disabled (BootstrapInspectITCase).
        flink.set(PipelineOptions.GENERIC_TYPES, true);
        flink.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        int maxParallelism = flink.getOptional(PipelineOptions.MAX_PARALLELISM)
                .filter(m -> m > 0)
                .orElse(InvoiceSievePipeline.DEFAULT_MAX_PARALLELISM);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        env.setMaxParallelism(maxParallelism);

        long outOfOrderness = config.millis(SieveOptions.WATERMARK_OUT_OF_ORDERNESS);
        DetectorSettings settings = new DetectorSettings(config, JobVersion.get());

        FileSource<InboundRecord> source =
                FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(Paths.get(input).toAbsolutePath().toUri()))
                        .build();
        DataStream<Invoice> invoices =
                env.fromSource(source, InvoiceSievePipeline.watermarks(config), "historical invoices")
                        .uid("bootstrap-source")
                        .process(new CountParsed())
                        .returns(TypeInformation.of(Invoice.class))
                        .uid("bootstrap-parse")
                        .name("Count malformed lines");
        DataStream<Invoice> firstDeliveries =
                invoices.keyBy(BootstrapCommand::deliveryKey, Types.STRING)
                        .process(new FirstDelivery())
                        .returns(TypeInformation.of(Invoice.class))
                        .uid("bootstrap-dedupe")
                        .name("Drop re-deliveries")
                        .map(new CountDistinct())
                        .returns(TypeInformation.of(Invoice.class))
                        .uid("bootstrap-count")
                        .name("Count distinct invoices");

        StateBootstrapTransformation<Invoice> scorer =
                OperatorTransformation.bootstrapWith(firstDeliveries)
                        .keyBy(InvoiceScorer::key, Types.STRING)
                        .transform(new InvoiceScorerBootstrap(settings, outOfOrderness));
        StateBootstrapTransformation<Invoice> accountSharing =
                OperatorTransformation.bootstrapWith(firstDeliveries)
                        .keyBy(AccountSharingBootstrap::key, Types.STRING)
                        .transform(new AccountSharingBootstrap(settings, outOfOrderness));

        SavepointWriter.newSavepoint(env, stateBackend(backendName), maxParallelism)
                .withOperator(OperatorIdentifier.forUid(Uids.INVOICE_SCORER), scorer)
                .withOperator(OperatorIdentifier.forUid(Uids.ACCOUNT_SHARING), accountSharing)
                .write(out.toUri().toString());
        JobExecutionResult result = env.execute("invoice-sieve bootstrap");

        List<String> samples = result.getAccumulatorResult(MALFORMED_SAMPLES);
        return new Result(
                counter(result, PARSED), counter(result, MALFORMED),
                samples == null ? List.of() : samples.subList(0, Math.min(MAX_SAMPLES, samples.size())),
                counter(result, DISTINCT), out.toString(), maxParallelism);
    }

    static StateBackend stateBackend(String name) {
        switch (name) {
            case "hashmap":
                return new HashMapStateBackend();
            case "rocksdb":
                return new EmbeddedRocksDBStateBackend();
            default:
                throw new IllegalArgumentException("--state-backend must be hashmap or rocksdb, was '" + name + "'");
        }
    }

    private static long counter(JobExecutionResult result, String name) {
        Long value = result.getAccumulatorResult(name);
        return value == null ? 0 : value;
    }

    /** Passes invoices on and counts them; counts malformed lines and keeps a few of them. */
    static final class CountParsed extends ProcessFunction<InboundRecord, Invoice> {
        private static final long serialVersionUID = 1L;
        private transient LongCounter parsed;
        private transient LongCounter malformed;
        private transient ListAccumulator<String> samples;
        private transient int sampled;

        @Override
        public void open(OpenContext openContext) {
            parsed = getRuntimeContext().getLongCounter(PARSED);
            malformed = getRuntimeContext().getLongCounter(MALFORMED);
            samples = new ListAccumulator<>();
            getRuntimeContext().addAccumulator(MALFORMED_SAMPLES, samples);
        }

        @Override
        public void processElement(InboundRecord record, Context ctx, Collector<Invoice> out) {
            if (record.invoice != null) {
                parsed.add(1);
                out.collect(record.invoice);
                return;
            }
            malformed.add(1);
            if (sampled++ < MAX_SAMPLES) {
                samples.add(record.deadLetter.origin + ": " + record.deadLetter.reason);
            }
        }
    }

    /** What the scorer's replay suppression compares: the invoice id within its (tenant, vendor). */
    static String deliveryKey(Invoice invoice) {
        return InvoiceScorer.key(invoice) + '\u001f' + invoice.invoiceId;
    }

    /** Passes the earliest delivery of each invoice (BATCH mode: sorted by key, then event time). */
    static final class FirstDelivery extends KeyedProcessFunction<String, Invoice, Invoice> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Boolean> seen;

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.BOOLEAN));
        }

        @Override
        public void processElement(Invoice invoice, Context ctx, Collector<Invoice> out) throws Exception {
            if (seen.value() == null) {
                seen.update(true);
                out.collect(invoice);
            }
        }
    }

    /** Counts the first deliveries. */
    static final class CountDistinct extends RichMapFunction<Invoice, Invoice> {
        private static final long serialVersionUID = 1L;
        private transient LongCounter distinct;

        @Override
        public void open(OpenContext openContext) {
            distinct = getRuntimeContext().getLongCounter(DISTINCT);
        }

        @Override
        public Invoice map(Invoice invoice) {
            distinct.add(1);
            return invoice;
        }
    }
}
