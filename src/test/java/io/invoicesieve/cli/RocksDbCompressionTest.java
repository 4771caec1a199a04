package io.invoicesieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.junit.jupiter.api.Test;
import org.rocksdb.CompressionType;

import java.util.Map;

class RocksDbCompressionTest {

    @Test
    void localConfigurationGetsTheFirstTwoLevelsUncompressed() {
        Configuration flink = new Configuration();
        assertThat(RocksDbCompression.apply(flink)).isTrue();
        assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(
                CompressionType.NO_COMPRESSION, CompressionType.NO_COMPRESSION, CompressionType.SNAPPY_COMPRESSION);
    }

    @Test
    void unlessTheUserSetOne() {
        Configuration flink = new Configuration();
        flink.setString(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL.key(), "LZ4_COMPRESSION");
        assertThat(RocksDbCompression.apply(flink)).isFalse();
        assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).containsExactly(CompressionType.LZ4_COMPRESSION);
    }

    @Test
    void theStringValueIsTheListAsFlinkParsesIt() {
        // the value the manifests and the benchmark's -Dbench.flink.* carry as text
        Configuration flink = Configuration.fromMap(
                Map.of(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL.key(), RocksDbCompression.PER_LEVEL_VALUE));
        assertThat(flink.get(RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL)).isEqualTo(RocksDbCompression.PER_LEVEL);
    }
}
