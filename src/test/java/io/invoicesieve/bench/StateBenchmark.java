package io.invoicesieve.bench;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.sources.InvoiceLineFormat;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Part 3: the job reads the whole 90-day data set from a continuously monitored directory, so it
 * never reaches the end of input (a bounded run's final watermark would fire every cleanup timer and
 * leave no state). Once all input is processed: three checkpoints (their size and duration from the
 * JobMaster's checkpoint stats) and a canonical savepoint, whose size on disk divided by the number
 * of vendors is the state per vendor.
 */
final class StateBenchmark {

    private StateBenchmark() {}

    static Map<String, Object> run(BenchData data, String backend, int parallelism, int checkpoints, java.nio.file.Path work)
            throws Exception {
        java.nio.file.Path dir = work.resolve("state-" + backend);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, dir.resolve("savepoints").toUri().toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        PipelineBenchmark.flinkOverrides(conf);

        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf).setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
        cluster.start();
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(parallelism);
            FileSource<InboundRecord> source =
                    FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(data.dir.toUri()))
                            .monitorContinuously(Duration.ofSeconds(1))
                            .build();
            InvoiceSievePipeline.with(SieveConfig.defaults())
                    .source(source)
                    .decisionSink("bench-decisions", "Discard decisions (serialized)", new DiscardingJsonSink.Decisions())
                    .deadLetterSink("bench-dead-letters", "Discard dead letters (serialized)", new DiscardingJsonSink.DeadLetters())
                    .build(env);
            JobGraph graph = env.getStreamGraph().getJobGraph();
            DiscardingJsonSink.reset();
            long start = System.nanoTime();
            JobID job = cluster.submitJob(graph).get().getJobID();

            // all input processed: the sink count has not moved for 3 s
            long last = -1;
            long stableSince = System.nanoTime();
            while (true) {
                Thread.sleep(250);
                long now = DiscardingJsonSink.RECORDS.sum();
                if (cluster.getJobStatus(job).get().isGloballyTerminalState()) {
                    throw new IllegalStateException("state job ended: " + cluster.getJobStatus(job).get());
                }
                if (now != last) {
                    last = now;
                    stableSince = System.nanoTime();
                } else if (now > 0 && System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(3)) {
                    break;
                }
                if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("state job did not finish its input in 10 min");
                }
            }
            long ingestMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            List<Double> sizes = new ArrayList<>();
            List<Double> durations = new ArrayList<>();
            for (int i = 0; i < checkpoints; i++) {
                cluster.triggerCheckpoint(job).get(5, TimeUnit.MINUTES);
            }
            AccessExecutionGraph graphNow = cluster.getExecutionGraph(job).get();
            CheckpointStatsSnapshot stats = graphNow.getCheckpointStatsSnapshot();
            for (AbstractCheckpointStats c : stats.getHistory().getCheckpoints()) {
                if (c.getStatus() == CheckpointStatsStatus.COMPLETED) {
                    sizes.add((double) c.getStateSize());
                    durations.add((double) c.getEndToEndDuration());
                }
            }
            long t0 = System.nanoTime();
            String savepoint = cluster.triggerSavepoint(job, dir.resolve("savepoints").toUri().toString(), false,
                    SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
            long savepointMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long savepointBytes = sizeOnDisk(Paths.get(URI.create(savepoint.startsWith("file:") ? savepoint : "file://" + savepoint)));
            long checkpointDirBytes = sizeOnDisk(dir.resolve("checkpoints"));
            cluster.cancelJob(job).get(1, TimeUnit.MINUTES);

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("backend", backend);
            m.put("parallelism", parallelism);
            m.put("days", data.config.days());
            m.put("inputLines", data.lines);
            m.put("vendors", data.vendors);
            m.put("sinkRecords", last);
            m.put("ingestMillis", ingestMillis);
            m.put("savepointBytes", savepointBytes);
            m.put("savepointBytesPerVendor", savepointBytes / (double) data.vendors);
            m.put("savepointMillis", savepointMillis);
            m.put("checkpointStateSizeBytes", Stats.summary(sizes));
            m.put("checkpointStateBytesPerVendor", sizes.isEmpty() ? Double.NaN : sizes.get(0) / data.vendors);
            m.put("checkpointDurationMillis", Stats.summary(durations));
            m.put("checkpointDirBytesOnDisk", checkpointDirBytes);
            System.out.printf("bench: state %s: savepoint %d bytes (%.0f B/vendor over %d vendors), checkpoints %s B in %s ms%n",
                    backend, savepointBytes, savepointBytes / (double) data.vendors, data.vendors, sizes, durations);
            return m;
        } finally {
            cluster.close();
        }
    }

    static long sizeOnDisk(java.nio.file.Path p) throws IOException {
        if (!Files.exists(p)) {
            return 0;
        }
        try (Stream<java.nio.file.Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static void deleteRecursively(java.nio.file.Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<java.nio.file.Path> s = Files.walk(p)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
