package io.invoicesieve.cli;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.rocksdb.CompressionType;

import java.util.List;
import java.util.stream.Collectors;

/**
 * RocksDB's compression per level for {@code local} and the benchmark, the value the manifests set
 * too ({@code ManifestValidationTest} holds them to it): the first two levels uncompressed, Snappy
 * (Flink's default for every level) below.
 *
 * <p>Why: a duplicate-index bucket of a high-volume vendor (up to a couple of hundred invoices at one amount) is
 * read, appended to and written back on each of its invoices. Those values are rewritten far more
 * often than they are kept, and the rewrites land in the first two levels: compressing them on
 * every flush and compaction, and decompressing the blocks on every read, cost a tenth of a RocksDB
 * run's time on the production-shaped ledger (benchmarks/REPORT.md, round ten). A year of history
 * is about 3 KB a vendor, so the uncompressed levels cost little disk; what outgrows them into the
 * deeper levels is compressed as before.
 */
public final class RocksDbCompression {

    public static final List<CompressionType> PER_LEVEL =
            List.of(CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);

    /** {@link #PER_LEVEL} as a Flink configuration value (the manifests' text). */
    public static final String PER_LEVEL_VALUE = PER_LEVEL.stream().map(Enum::name).collect(Collectors.joining(";"));

    private RocksDbCompression() {}

    /** Sets {@link #PER_LEVEL} on {@code flink} unless it already has a compression per level; whether it did. */
    public static boolean apply(Configuration flink) {
        if (flink.contains(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)) {
            return false;
        }
        flink.set(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL, PER_LEVEL);
        return true;
    }
}
