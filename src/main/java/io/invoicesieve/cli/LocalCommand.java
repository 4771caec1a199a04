package io.invoicesieve.cli;

import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.serde.DecisionJson;
import io.invoicesieve.sinks.JsonLinesFileSink;
import io.invoicesieve.sources.InvoiceLineFormat;
import io.invoicesieve.state.Uids;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code local --input <file|dir> --output <dir>}: the whole job in an in-process MiniCluster,
 * JSON lines in, {@code decisions.jsonl} and {@code dlq.jsonl} out, then a summary.
 */
public final class LocalCommand {

    private LocalCommand() {}

    public static int run(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        SieveConfig config = SieveConfig.fromArgs(args, flags);
        String input = flags.remove("input");
        String output = flags.remove("output");
        String parallelism = flags.remove("parallelism");
        if (input == null || output == null) {
            throw new IllegalArgumentException("local needs --input <file.jsonl|dir> and --output <dir>");
        }
        if (!flags.isEmpty()) {
            throw new IllegalArgumentException("Unknown option '--" + flags.keySet().iterator().next() + "'");
        }
        if (!Files.exists(Paths.get(input))) {
            throw new IllegalArgumentException("--input " + input + " does not exist");
        }
        int p;
        try {
            p = parallelism == null ? 2 : Integer.parseInt(parallelism);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--parallelism must be a number, was '" + parallelism + "'");
        }
        Summary summary = execute(config, Paths.get(input), Paths.get(output), p);
        System.out.print(summary.format(p));
        return 0;
    }

    /** Runs the job over {@code input} into {@code <output>/decisions.jsonl} and {@code dlq.jsonl}. */
    public static Summary execute(SieveConfig config, java.nio.file.Path input, java.nio.file.Path output, int parallelism)
            throws Exception {
        Files.createDirectories(output);
        java.nio.file.Path decisionsFile = output.resolve("decisions.jsonl");
        java.nio.file.Path dlqFile = output.resolve("dlq.jsonl");

        Configuration flink = config.flinkConfiguration();
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        flink.setString(RestartStrategyOptions.RESTART_STRATEGY.key(),
                flink.getString(RestartStrategyOptions.RESTART_STRATEGY.key(), "none"));
        flink.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
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

        long start = System.nanoTime();
        JobExecutionResult result = env.execute("invoice-sieve (local)");
        long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        Summary summary = Summary.read(decisionsFile, dlqFile);
        summary.jobMillis = result.getNetRuntime(TimeUnit.MILLISECONDS);
        summary.wallMillis = wallMillis;
        summary.tally = LocalTally.of(result, input, summary.decisions, summary.deadLetters,
                summary.byReason.getOrDefault("LATE_EVENT", 0L));
        return summary;
    }

    /** Counts read back from the output files. */
    public static final class Summary {
        long jobMillis;
        long wallMillis;
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

        static Summary read(java.nio.file.Path decisionsFile, java.nio.file.Path dlqFile) throws IOException {
            Summary s = new Summary(decisionsFile, dlqFile);
            JsonFactory json = new JsonFactory();
            try (BufferedReader r = Files.newBufferedReader(decisionsFile, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    s.decisions++;
                    try (JsonParser p = json.createParser(line)) {
                        int depth = 0;
                        boolean inReasons = false;
                        JsonToken t;
                        while ((t = p.nextToken()) != null) {
                            if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                                depth++;
                            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                                depth--;
                                if (depth == 1) {
                                    inReasons = false;
                                }
                            } else if (t == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                                if (depth == 1 && name.equals("decision")) {
                                    p.nextToken();
                                    s.byDecision.merge(p.getText(), 1L, Long::sum);
                                } else if (depth == 1 && name.equals("reasons")) {
                                    inReasons = true;
                                } else if (inReasons && depth == 3 && name.equals("code")) {
                                    p.nextToken();
                                    s.byReason.merge(p.getText(), 1L, Long::sum);
                                }
                            }
                        }
                    }
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

        public LocalTally tally() {
            return tally;
        }

        String format(int parallelism) {
            StringBuilder b = new StringBuilder();
            long records = decisions + deadLetters;
            b.append(String.format(Locale.ROOT, "invoice-sieve local run: %d decisions, %d dead letters%n", decisions, deadLetters));
            b.append("  decisions:");
            byDecision.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%d", k, v)));
            b.append(String.format("%n  reasons:  "));
            byReason.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s=%d", k, v)));
            b.append(String.format(Locale.ROOT, "%n  job time %.2f s (wall %.2f s, parallelism %d): %.0f records/s%n",
                    jobMillis / 1000.0, wallMillis / 1000.0, parallelism, records * 1000.0 / Math.max(1, jobMillis)));
            if (tally != null) {
                b.append(tally.format());
            }
            b.append("  output: ").append(decisionsFile).append(", ").append(dlqFile).append(String.format("%n"));
            return b.toString();
        }
    }
}
