package io.invoicesieve.cli;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LocalJvm}: the JVM's own counters between two readings, as the summary prints them. */
class LocalJvmTest {

    @Test
    void countsTheCollectionsAndCompilationBetweenTwoReadings() {
        LocalJvm before = LocalJvm.read();
        System.gc();
        LocalJvm after = LocalJvm.read();

        assertThat(after.collections - before.collections).as("System.gc() is a collection").isPositive();
        assertThat(after.collectionMillis).isGreaterThanOrEqualTo(before.collectionMillis);
        assertThat(after.collectors).isEqualTo(String.join(", ",
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList()));
        assertThat(after.compileMillis).as("HotSpot reports compile time").isGreaterThanOrEqualTo(before.compileMillis)
                .isGreaterThanOrEqualTo(0);
        assertThat(after.processCpuNanos).isGreaterThan(before.processCpuNanos);
    }

    @Test
    void formatsPausesAsAShareOfTheJobAndCompilationAsAShareOfTheCpu() {
        LocalJvm before = LocalJvm.read();
        LocalJvm after = LocalJvm.read();
        LocalJvm earlier = reading(before, 10, 1_000, 4_000, 10_000_000_000L);
        LocalJvm later = reading(before, 54, 3_820, 15_900, 58_000_000_000L);
        assertThat(LocalJvm.format(earlier, later, 25_400)).isEqualTo(String.format(
                "  JVM: %s: 44 collections, 2.82 s (11 %% of job time); JIT compilations 11.9 s (elapsed, summed over the compiler threads); process CPU 48.0 s%n",
                after.collectors));
        // a JVM that reports no compile time or CPU: only the collectors' part
        LocalJvm silent = reading(before, 10, 1_000, -1, -1);
        assertThat(LocalJvm.format(silent, reading(before, 12, 1_500, -1, -1), 1_000))
                .isEqualTo(String.format("  JVM: %s: 2 collections, 0.50 s (50 %% of job time)%n", after.collectors));
    }

    private static LocalJvm reading(LocalJvm like, long collections, long gcMillis, long compileMillis, long cpuNanos) {
        return new LocalJvm(like.collectors, collections, gcMillis, compileMillis, cpuNanos);
    }
}
