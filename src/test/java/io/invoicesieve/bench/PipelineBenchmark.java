package io.invoicesieve.bench;

import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.job.InvoiceSievePipeline;
import io.invoicesieve.model.InboundRecord;
import io.invoicesieve.sources.InvoiceLineFormat;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Part 1: FileSource(InvoiceLineFormat) -> InvoiceSievePipeline -> a sink that serializes every
 * decision and dead letter with DecisionJson and drops the bytes. Bounded input, so the job ends
 * when the file is done; each run is a fresh MiniCluster in this JVM.
 */
final class PipelineBenchmark {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PipelineBenchmark() {}

    /** One run's measurements. */
    static final class Run {
        long lines;
        long records;
        long netRuntimeMillis;
        double firstToLastMillis;
        double invoicesPerSecond;
        double invoicesPerSecondSteady;
        double cpuMicrosPerInvoice;
        double cpuMicrosPerInvoiceSteady;
        double cpuCoresBusy;
    }

    static Run runOnce(BenchData data, String backend, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        flinkOverrides(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        FileSource<InboundRecord> source =
                FileSource.forRecordStreamFormat(new InvoiceLineFormat(), new Path(data.invoices.toUri())).build();
        InvoiceSievePipeline.with(SieveConfig.defaults())
                .source(source)
                .decisionSink("bench-decisions", "Discard decisions (serialized)", new DiscardingJsonSink.Decisions())
                .deadLetterSink("bench-dead-letters", "Discard dead letters (serialized)", new DiscardingJsonSink.DeadLetters())
                .build(env);

        DiscardingJsonSink.reset();
        CpuSampler sampler = new CpuSampler();
        sampler.start();
        long cpu0 = OS.getProcessCpuTime();
        JobExecutionResult result = env.execute("bench " + backend + " p" + parallelism);
        long cpu1 = OS.getProcessCpuTime();
        sampler.stop();

        Run r = new Run();
        r.lines = data.lines;
        r.records = DiscardingJsonSink.RECORDS.sum();
        r.netRuntimeMillis = result.getNetRuntime(TimeUnit.MILLISECONDS);
        long first = DiscardingJsonSink.FIRST_NANOS.get();
        long last = DiscardingJsonSink.LAST_NANOS.get();
        r.firstToLastMillis = (last - first) / 1e6;
        // throughput counts input lines (invoices, their replays and the malformed ones): each is read,
        // parsed and routed, and all but the suppressed replays produce a record at the sinks
        r.invoicesPerSecond = data.lines * 1000.0 / r.netRuntimeMillis;
        r.invoicesPerSecondSteady = data.lines * 1000.0 / r.firstToLastMillis;
        r.cpuMicrosPerInvoice = (cpu1 - cpu0) / 1e3 / data.lines;
        long steadyCpu = sampler.cpuAt(last) - sampler.cpuAt(first);
        r.cpuMicrosPerInvoiceSteady = steadyCpu / 1e3 / data.lines;
        r.cpuCoresBusy = steadyCpu / (double) Math.max(1, last - first);
        System.out.printf("bench: pipeline %s p%d: %d lines, %d records, net %d ms, first->last %.0f ms, "
                        + "%.0f/s (%.0f/s steady), %.1f us CPU/invoice (%.1f steady, %.2f cores)%n",
                backend, parallelism, r.lines, r.records, r.netRuntimeMillis, r.firstToLastMillis,
                r.invoicesPerSecond, r.invoicesPerSecondSteady, r.cpuMicrosPerInvoice,
                r.cpuMicrosPerInvoiceSteady, r.cpuCoresBusy);
        return r;
    }

    /** {@code -Dbench.flink.<key>=<value>}: Flink settings for the benchmark jobs (e.g. managed memory). */
    static void flinkOverrides(Configuration conf) {
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("bench.flink.")) {
                conf.setString(name.substring("bench.flink.".length()), System.getProperty(name));
            }
        }
    }

    static Map<String, Object> run(BenchData data, List<String> backends, List<Integer> parallelisms, int repeats)
            throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String backend : backends) {
            for (int p : parallelisms) {
                List<Double> tput = new ArrayList<>();
                List<Double> steady = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                List<Double> cpuSteady = new ArrayList<>();
                List<Double> cores = new ArrayList<>();
                long records = 0;
                for (int i = 0; i < repeats; i++) {
                    Run r = runOnce(data, backend, p);
                    tput.add(r.invoicesPerSecond);
                    steady.add(r.invoicesPerSecondSteady);
                    cpu.add(r.cpuMicrosPerInvoice);
                    cpuSteady.add(r.cpuMicrosPerInvoiceSteady);
                    cores.add(r.cpuCoresBusy);
                    records = r.records;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("backend", backend);
                m.put("parallelism", p);
                m.put("inputLines", data.lines);
                m.put("sinkRecords", records);
                m.put("invoicesPerSecond", Stats.summary(tput));
                m.put("invoicesPerSecondFirstToLast", Stats.summary(steady));
                m.put("cpuMicrosPerInvoice", Stats.summary(cpu));
                m.put("cpuMicrosPerInvoiceFirstToLast", Stats.summary(cpuSteady));
                m.put("coresBusyFirstToLast", Stats.summary(cores));
                out.put(backend + "-p" + p, m);
            }
        }
        return out;
    }

    /** Samples the process CPU time every 20 ms, so CPU between two instants can be interpolated. */
    static final class CpuSampler implements Runnable {
        private final long[] at = new long[1 << 16];
        private final long[] cpu = new long[1 << 16];
        private volatile int n;
        private volatile boolean running = true;
        private Thread thread;

        void start() {
            thread = new Thread(this, "bench-cpu-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        @Override
        public void run() {
            while (running && n < at.length) {
                cpu[n] = OS.getProcessCpuTime();
                at[n] = System.nanoTime();
                n = n + 1;
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long cpuAt(long nanos) {
            int count = n;
            if (count == 0) {
                return 0;
            }
            for (int i = 1; i < count; i++) {
                if (at[i] >= nanos) {
                    double f = (nanos - at[i - 1]) / (double) Math.max(1, at[i] - at[i - 1]);
                    return (long) (cpu[i - 1] + f * (cpu[i] - cpu[i - 1]));
                }
            }
            return cpu[count - 1];
        }
    }
}
