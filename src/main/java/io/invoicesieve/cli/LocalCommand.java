package io.invoicesieve.cli;

import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.sinks.JsonLinesFileSink;
import io.invoicesieve.sinks.SinkGuard;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.state.Uids;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code local --input <file|dir> --output <dir>}: the whole job in an in-process MiniCluster,
 * JSON lines in, {@code decisions.jsonl} and {@code dlq.jsonl} out, then a summary.
 */
@Command(
        name = "local",
        mixinStandardHelpOptions = true,
        versionProvider = Cli.Version.class,
        sortOptions = false,
        description = {
            "Run the job in an embedded MiniCluster, JSON-lines files in and out.",
            "Writes <dir>/decisions.jsonl and <dir>/dlq.jsonl, then prints a summary."
        },
        footer = {Cli.SETTINGS, Cli.EXIT_CODES})
public final class LocalCommand extends SettingsCommand implements Callable<Integer> {

    @Option(names = "--input", required = true, paramLabel = "<file.jsonl|dir>",
            description = "invoices, one JSON object a line (a file, or a directory of files)")
    java.nio.file.Path input;

    @Option(names = "--output", required = true, paramLabel = "<dir>",
            description = "directory for decisions.jsonl and dlq.jsonl (created if missing)")
    java.nio.file.Path output;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2",
            description = "parallelism of the job, at least 1 (default: ${DEFAULT-VALUE})")
    int parallelism;

    public LocalCommand() {}

    @Override
    public Integer call() throws Exception {
        SieveConfig config = settings();
        Summary summary = execute(config, input, output, parallelism);
        out().print(summary.format(parallelism));
        out().flush();
        return Cli.OK;
    }

    /**
     * Checks {@code --input}, {@code --output} and {@code --parallelism} before anything starts; fails
     * with one line naming the option.
     */
    static void check(java.nio.file.Path input, java.nio.file.Path output, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be at least 1, was " + parallelism);
        }
        checkInput(input);
        checkOutputDirectory("--output", output, true);
        for (String name : new String[] {"decisions.jsonl", "dlq.jsonl"}) {
            java.nio.file.Path file = output.resolve(name);
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException("--output " + output + ": " + file + " is a directory, not a file");
            }
            if (Files.exists(file) && !Files.isWritable(file)) {
                throw new IllegalArgumentException("--output " + output + ": " + file + " is not writable");
            }
        }
    }

    static void checkInput(java.nio.file.Path input) {
        if (!Files.exists(input)) {
            throw new IllegalArgumentException("--input " + input + " does not exist");
        }
        if (!Files.isReadable(input)) {
            throw new IllegalArgumentException("--input " + input + " is not readable");
        }
    }

    /** {@code dir} is a writable directory, or can be created; creates it when {@code create}. */
    static void checkOutputDirectory(String option, java.nio.file.Path dir, boolean create) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + " is a file, not a directory");
        }
        java.nio.file.Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new IllegalArgumentException(option + " " + dir + " cannot be created: " + existing + " is a file");
        }
        if (existing != null && !Files.isWritable(existing)) {
            throw new IllegalArgumentException(option + " " + dir
                    + (existing.equals(dir.toAbsolutePath()) ? " is not writable" : " cannot be created: " + existing + " is not writable"));
        }
        if (!create) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + dir + " cannot be created: " + e.getMessage());
        }
    }

    /** Runs the job over {@code input} into {@code <output>/decisions.jsonl} and {@code dlq.jsonl}. */
    public static Summary execute(SieveConfig config, java.nio.file.Path input, java.nio.file.Path output, int parallelism)
            throws Exception {
        check(input, output, parallelism);
        java.nio.file.Path decisionsFile = output.resolve("decisions.jsonl");
        java.nio.file.Path dlqFile = output.resolve("dlq.jsonl");

        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.setString(RestartStrategyOptions.RESTART_STRATEGY.key(),
                flink.getString(RestartStrategyOptions.RESTART_STRATEGY.key(), "none"));
        flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        LocalMemory memory = LocalMemory.apply(flink);
        RocksDbCompression.apply(flink);
        String backend = flink.getString("state.backend.type", "hashmap");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);

        FileSource<InboundRecord> source =
                FileSource.forRecordStreamFormat(new InvoiceLineFormat(config), new Path(input.toAbsolutePath().toUri()))
                        .build();
        InvoiceSievePipeline.with(config)
                .source(source)
                .decisionSink(new InvoiceSievePipeline.DecisionSink(
                        Uids.DECISIONS_FILE_SINK, "decisions.jsonl",
                        new JsonLinesFileSink<Decision>(decisionsFile, DecisionJson::toJsonBytes), false, 1))
                .deadLetterSink(new InvoiceSievePipeline.DeadLetterSink(
                        Uids.DEAD_LETTER_FILE_SINK, "dlq.jsonl",
                        new JsonLinesFileSink<DeadLetter>(dlqFile, DecisionJson::toJsonBytes), 1))
                .build(env);

        LocalJvm jvmBefore = LocalJvm.read();
        long start = System.nanoTime();
        org.apache.flink.core.execution.JobClient job = env.executeAsync("invoice-sieve (local)");
        JobExecutionResult result = LocalProgress.await(job, start, System.err);
        long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        LocalJvm jvmAfter = LocalJvm.read();

        Summary summary = Summary.of(result, decisionsFile, dlqFile);
        summary.jobMillis = result.getNetRuntime(TimeUnit.MILLISECONDS);
        summary.wallMillis = wallMillis;
        summary.memoryLine = memory.format(backend, flink.get(TaskManagerOptions.NUM_TASK_SLOTS, parallelism));
        summary.jvmLine = LocalJvm.format(jvmBefore, jvmAfter, summary.jobMillis);
        summary.tally = LocalTally.of(result, input, summary.decisions, summary.deadLetters,
                summary.byReason.getOrDefault("LATE_EVENT", 0L));
        return summary;
    }

    /** What a run decided: counted by the job, and the dead letters of its output. */
    public static final class Summary {
        long jobMillis;
        long wallMillis;
        /** Which state backend and how much managed memory the MiniCluster had. */
        String memoryLine;
        /** What the JVM's collector and JIT compiler took of the run (cli/LocalJvm). */
        String jvmLine;
        final Map<String, Long> byDecision = new TreeMap<>();
        final Map<String, Long> byReason = new TreeMap<>();
        long decisions;
        long deadLetters;
        /** Where every input line went (cli/LocalTally). */
        LocalTally tally;
        final java.nio.file.Path decisionsFile;
        final java.nio.file.Path dlqFile;

        Summary(java.nio.file.Path decisionsFile, java.nio.file.Path dlqFile) {
            this.decisionsFile = decisionsFile;
            this.dlqFile = dlqFile;
        }

        /**
         * The decisions by type and reason as the job counted them ({@link SinkGuard}'s accumulators:
         * what passed it is what the file sink wrote), the dead letters from {@code dlq.jsonl}. Reading
         * the decisions back and parsing them again cost a second pass over the output, longer than a
         * tenth of the run (benchmarks/REPORT.md, round seven).
         */
        static Summary of(JobExecutionResult result, java.nio.file.Path decisionsFile, java.nio.file.Path dlqFile)
                throws IOException {
            Summary s = new Summary(decisionsFile, dlqFile);
            for (Map.Entry<String, Object> a : result.getAllAccumulatorResults().entrySet()) {
                long count = a.getValue() instanceof Number ? ((Number) a.getValue()).longValue() : 0;
                if (count == 0) {
                    continue;
                }
                if (a.getKey().startsWith(SinkGuard.DECISIONS_PREFIX)) {
                    s.byDecision.put(a.getKey().substring(SinkGuard.DECISIONS_PREFIX.length()), count);
                    s.decisions += count;
                } else if (a.getKey().startsWith(SinkGuard.REASONS_PREFIX)) {
                    s.byReason.put(a.getKey().substring(SinkGuard.REASONS_PREFIX.length()), count);
                }
            }
            try (BufferedReader r = Files.newBufferedReader(dlqFile, StandardCharsets.UTF_8)) {
                while (r.readLine() != null) {
                    s.deadLetters++;
                }
            }
            return s;
        }

        public long decisions() {
            return decisions;
        }

        /** Decisions by type ("HOLD" -> count), as the job counted them. */
        public Map<String, Long> byDecision() {
            return java.util.Collections.unmodifiableMap(byDecision);
        }

        /** Reasons by code ("LATE_EVENT" -> count), as the job counted them. */
        public Map<String, Long> byReason() {
            return java.util.Collections.unmodifiableMap(byReason);
        }

        public LocalTally tally() {
            return tally;
        }

        public String format(int parallelism) {
            StringBuilder b = new StringBuilder();
            long records = decisions + deadLetters;
            b.append(String.format(Locale.ROOT, "invoice-sieve local run: %d decisions, %d dead letters%n", decisions, deadLetters));
            b.append("  decisions:");
            byDecision.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%d", k, v)));
            b.append(String.format("%n  reasons:  "));
            byReason.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%d", k, v)));
            b.append(String.format(Locale.ROOT, "%n  job time %.2f s (wall %.2f s, parallelism %d): %.0f records/s%n",
                    jobMillis / 1000.0, wallMillis / 1000.0, parallelism, records * 1000.0 / Math.max(1, jobMillis)));
            if (memoryLine != null) {
                b.append(memoryLine);
            }
            if (jvmLine != null) {
                b.append(jvmLine);
            }
            if (tally != null) {
                b.append(tally.format());
            }
            b.append("  output: ").append(decisionsFile).append(", ").append(dlqFile).append(String.format("%n"));
            return b.toString();
        }
    }
}
