package io.invoicesieve.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Managed memory for the {@code local} MiniCluster. Local execution ignores
 * {@code taskmanager.memory.managed.fraction} and, unless {@code taskmanager.memory.managed.size} is set
 * on the MiniCluster's configuration, gives the one task manager 128 MB of managed memory. RocksDB takes
 * its block cache and write buffers out of managed memory (per slot, {@code state.backend.rocksdb.memory.managed}),
 * so at 128 MB (64 MB a slot at parallelism 2) a year of history for 10K vendors flushes tiny memtables
 * into many L0 files and the job spends its time in write stalls (536 invoices/s in the issue
 * "Performance, round two", 8.4K/s with 1 GB).
 *
 * <p>When the user did not set it, {@code local} sets it from the machine: a quarter of physical RAM,
 * no more than half of what the JVM's maximum heap leaves of it, bounded to 512 MB - 2 GB. Managed
 * memory is reserved, not allocated up front: the heap backend never touches it, RocksDB grows into it.
 * The 2 GB cap: the keyed state of a year of 10K vendors is ~60-140 MB (benchmarks/REPORT.md, section 3),
 * so 1 GB a slot at parallelism 2 caches all of it with the write buffers (half, Flink's default
 * {@code write-buffer-ratio} 0.5) large enough that flushes are rare; more only costs the machine.
 */
public final class LocalMemory {

    public static final MemorySize FLOOR = MemorySize.ofMebiBytes(512);
    public static final MemorySize CAP = MemorySize.ofMebiBytes(2048);

    /** Where the managed size came from, for the summary. */
    public final MemorySize managed;
    public final boolean userSet;
    public final long physicalBytes;

    private LocalMemory(MemorySize managed, boolean userSet, long physicalBytes) {
        this.managed = managed;
        this.userSet = userSet;
        this.physicalBytes = physicalBytes;
    }

    /** The computed managed size for a machine with {@code physicalBytes} of RAM and a JVM of {@code maxHeapBytes}. */
    public static MemorySize computed(long physicalBytes, long maxHeapBytes) {
        long quarter = physicalBytes / 4;
        long leftByHeap = Math.max(0, physicalBytes - maxHeapBytes) / 2;
        long bytes = Math.min(Math.min(quarter, leftByHeap), CAP.getBytes());
        return new MemorySize(Math.max(bytes, FLOOR.getBytes()));
    }

    /** Applies the computed size to {@code flink} unless it already has one; returns what it holds now. */
    public static LocalMemory apply(Configuration flink, long physicalBytes, long maxHeapBytes) {
        if (flink.contains(TaskManagerOptions.MANAGED_MEMORY_SIZE)) {
            return new LocalMemory(flink.get(TaskManagerOptions.MANAGED_MEMORY_SIZE), true, physicalBytes);
        }
        MemorySize size = computed(physicalBytes, maxHeapBytes);
        flink.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, size);
        return new LocalMemory(size, false, physicalBytes);
    }

    /** {@link #apply(Configuration, long, long)} for this machine and this JVM. */
    public static LocalMemory apply(Configuration flink) {
        return apply(flink, physicalMemoryBytes(), Runtime.getRuntime().maxMemory());
    }

    static long physicalMemoryBytes() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            long total = ((com.sun.management.OperatingSystemMXBean) os).getTotalMemorySize();
            if (total > 0) {
                return total;
            }
        }
        return 0; // unknown: the floor
    }

    /** One line for the summary. */
    public String format(String backend, int slots) {
        long mb = managed.getMebiBytes();
        String why = userSet
                ? "set by taskmanager.memory.managed.size"
                : String.format(Locale.ROOT, "computed from %d MB RAM: a quarter, at most half of what the heap leaves,"
                        + " %d-%d MB; --taskmanager.memory.managed.size overrides",
                        physicalBytes >> 20, FLOOR.getMebiBytes(), CAP.getMebiBytes());
        return String.format(Locale.ROOT, "  state backend %s, managed memory %d MB (%d MB a slot; %s)%n",
                backend, mb, mb / Math.max(1, slots), why);
    }
}
