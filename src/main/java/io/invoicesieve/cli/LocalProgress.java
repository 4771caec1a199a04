package io.invoicesieve.cli;

import io.invoicesieve.functions.RouteDeadLetters;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Progress of a {@code local} run on stderr (stdout keeps the summary): every {@link #EVERY_SECONDS}
 * seconds the invoices read and dead letters so far, from the job's accumulators, and the rate.
 * Accumulators reach the JobManager with the TaskManager heartbeats, so the figures lag by up to
 * one heartbeat interval. A short run prints nothing.
 */
final class LocalProgress {

    static final int EVERY_SECONDS = 10;

    private LocalProgress() {}

    /** Waits for the job's result, printing a progress line now and then. */
    static JobExecutionResult await(JobClient job, long startNanos, PrintStream err) throws Exception {
        CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
        while (true) {
            try {
                return result.get(EVERY_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException stillRunning) {
                err.println(line(accumulators(job), System.nanoTime() - startNanos));
            }
        }
    }

    private static Map<String, Object> accumulators(JobClient job) {
        try {
            return job.getAccumulators().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    static String line(Map<String, Object> accumulators, long elapsedNanos) {
        long invoices = number(accumulators.get(RouteDeadLetters.INVOICES_PARSED));
        long deadLetters = number(accumulators.get(RouteDeadLetters.DEAD_LETTERS));
        double seconds = Math.max(1e-9, elapsedNanos / 1e9);
        return String.format(Locale.ROOT, "progress: %,d s, %,d invoices read, %,d dead letters (%,.0f records/s)",
                Math.round(seconds), invoices, deadLetters, (invoices + deadLetters) / seconds);
    }

    private static long number(Object value) {
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }
}
