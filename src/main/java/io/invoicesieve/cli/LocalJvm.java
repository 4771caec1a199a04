package io.invoicesieve.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the JVM itself took of a {@code local} run: garbage collection pauses and JIT compilation,
 * read from the platform MXBeans before and after the job. {@code local} runs the job in the JVM
 * the user started, with that JVM's collector and compiler; on 2 cores both compete with the job for
 * the CPU. On a production-shaped year of ledger, G1's pauses were 14-15 % of a heap run's job time
 * and the C2 compiler threads took a quarter of a RocksDB run's CPU (benchmarks/REPORT.md, round
 * fourteen), which is most of the difference between a cold {@code local} run and the warm figures of
 * the benchmark.
 * The summary says so, and README's "The two commands" says which JVM options help.
 */
final class LocalJvm {

    /** Collectors' names ("G1 Young Generation, G1 Old Generation"), as the JVM reports them. */
    final String collectors;
    final long collections;
    final long collectionMillis;
    /** Elapsed time of the JIT compilations, summed over the compiler threads; -1 if the JVM does not say. */
    final long compileMillis;
    /** CPU time of the whole process, nanoseconds; -1 if the JVM does not say. */
    final long processCpuNanos;

    /** A reading of these counters ({@link #read} for the JVM's own). */
    LocalJvm(String collectors, long collections, long collectionMillis, long compileMillis, long processCpuNanos) {
        this.collectors = collectors;
        this.collections = collections;
        this.collectionMillis = collectionMillis;
        this.compileMillis = compileMillis;
        this.processCpuNanos = processCpuNanos;
    }

    /** The JVM's counters now. */
    static LocalJvm read() {
        List<String> names = new ArrayList<>();
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            names.add(gc.getName());
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long compile = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        long cpu = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = os.getProcessCpuTime();
        }
        return new LocalJvm(String.join(", ", names), count, millis, compile, cpu);
    }

    /** The summary line for what happened between {@code before} and {@code after}, over {@code jobMillis}. */
    static String format(LocalJvm before, LocalJvm after, long jobMillis) {
        long collections = after.collections - before.collections;
        long paused = after.collectionMillis - before.collectionMillis;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "  JVM: %s: %d collections, %.2f s (%.0f %% of job time)", after.collectors, collections,
                paused / 1000.0, 100.0 * paused / Math.max(1, jobMillis)));
        if (before.compileMillis >= 0 && after.compileMillis >= 0) {
            // elapsed time of the compilations, not CPU: a compiler thread waiting for a core counts
            b.append(String.format(Locale.ROOT, "; JIT compilations %.1f s (elapsed, summed over the compiler threads)",
                    (after.compileMillis - before.compileMillis) / 1000.0));
        }
        if (before.processCpuNanos >= 0 && after.processCpuNanos >= before.processCpuNanos) {
            b.append(String.format(Locale.ROOT, "; process CPU %.1f s", (after.processCpuNanos - before.processCpuNanos) / 1e9));
        }
        return b.append(String.format("%n")).toString();
    }
}
