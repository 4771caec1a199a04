package io.invoicesieve.testing;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.Decision;
import io.invoicesieve.sources.InvoiceLineFormat;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the job's pipeline unbounded on the test's MiniCluster (MiniClusterExtension context
 * environment): a FileSource monitoring a directory, decisions into a {@link CollectingSink}; waits
 * for the expected decisions and stops with a canonical savepoint, or restores from one.
 */
public final class SieveJobs {

    public static final String TEST_SINK_UID = "test-decisions";
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private SieveJobs() {}

    /**
     * The Flink settings of every savepoint test: no Kryo, no restarts, max parallelism pinned,
     * and a missing uid fails the restore (allowNonRestoredState=false).
     */
    public static Configuration flinkConfig(String stateBackend, String restoreFrom) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        conf.set(PipelineOptions.MAX_PARALLELISM, InvoiceSievePipeline.DEFAULT_MAX_PARALLELISM);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, false);
        }
        return conf;
    }

    /** Starts the pipeline on {@code inputDir} (continuously monitored) and returns at once. */
    public static JobClient start(
            Configuration flink, Map<String, String> settings, int parallelism, java.nio.file.Path inputDir, String bucket)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        env.setParallelism(parallelism);
        FileSource<io.invoicesieve.model.InboundRecord> source =
                FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(inputDir.toUri()))
                        .monitorContinuously(Duration.ofMillis(100))
                        .build();
        CollectingSink.clear(bucket);
        Map<String, String> all = new java.util.HashMap<>(Fixtures.STREAMING_TEST_SETTINGS);
        all.putAll(settings);
        InvoiceSievePipeline.with(SieveConfig.of(all))
                .source(source)
                .decisionSink(TEST_SINK_UID, "Collect decisions", new CollectingSink(bucket))
                .build(env);
        return env.executeAsync("invoice-sieve " + bucket);
    }

    /** Waits until the bucket holds {@code expected} decisions; fails if the job fails or more arrive. */
    public static List<Decision> await(JobClient job, String bucket, int expected) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (CollectingSink.get(bucket).size() >= expected) {
                // let the source reach the end of its file (a finished split leaves no reader state)
                // and let any extra decision show up
                Thread.sleep(500);
                List<Decision> decisions = CollectingSink.get(bucket);
                if (decisions.size() != expected) {
                    throw new AssertionError("expected " + expected + " decisions, got " + decisions.size() + ": " + decisions);
                }
                return decisions;
            }
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // throws the failure
                throw new AssertionError("job ended (" + status + ") before " + expected + " decisions");
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out waiting for " + expected + " decisions, got " + CollectingSink.get(bucket).size());
    }

    /** stop-with-savepoint (no drain: event time does not jump to the end), canonical format. */
    public static String stopWithSavepoint(JobClient job, java.nio.file.Path dir) throws Exception {
        return job.stopWithSavepoint(false, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * stop-with-savepoint {@code --drain}, canonical format: the sources emit the final watermark
     * ({@code Long.MAX_VALUE}) first, so every event-time timer fires before the savepoint is taken.
     */
    public static String drainWithSavepoint(JobClient job, java.nio.file.Path dir) throws Exception {
        return job.stopWithSavepoint(true, dir.toUri().toString(), SavepointFormatType.CANONICAL)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Cancels and waits until the job is gone, so that its source no longer scans the test's directory. */
    public static void cancel(JobClient job) throws Exception {
        job.cancel().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job did not end after cancel");
            }
            Thread.sleep(20);
        }
    }
}
