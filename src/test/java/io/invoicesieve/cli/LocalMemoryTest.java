package io.invoicesieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;

class LocalMemoryTest {

    private static final long GB = 1L << 30;
    private static final long MB = 1L << 20;

    @Test
    void computedFromTheMachine() {
        assertThat(LocalMemory.computed(24 * GB, 3 * GB)).isEqualTo(MemorySize.ofMebiBytes(2048)); // capped
        assertThat(LocalMemory.computed(4 * GB, 1 * GB)).isEqualTo(MemorySize.ofMebiBytes(1024)); // a quarter
        assertThat(LocalMemory.computed(4 * GB, 3 * GB)).isEqualTo(MemorySize.ofMebiBytes(512)); // what the heap leaves / 2
        assertThat(LocalMemory.computed(1 * GB, 256 * MB)).isEqualTo(MemorySize.ofMebiBytes(512)); // floor
        assertThat(LocalMemory.computed(0, 0)).isEqualTo(MemorySize.ofMebiBytes(512)); // unknown RAM
    }

    @Test
    void localConfigurationGetsTheComputedSize() {
        Configuration flink = new Configuration();
        LocalMemory m = LocalMemory.apply(flink, 8 * GB, 2 * GB);
        assertThat(flink.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.ofMebiBytes(2048));
        assertThat(m.userSet).isFalse();
        assertThat(m.format("rocksdb", 2)).contains("managed memory 2048 MB (1024 MB a slot; computed");
    }

    @Test
    void unlessTheUserSetOne() {
        Configuration flink = new Configuration();
        flink.setString("taskmanager.memory.managed.size", "128m");
        LocalMemory m = LocalMemory.apply(flink, 24 * GB, 2 * GB);
        assertThat(flink.get(TaskManagerOptions.MANAGED_MEMORY_SIZE)).isEqualTo(MemorySize.ofMebiBytes(128));
        assertThat(m.userSet).isTrue();
        assertThat(m.format("rocksdb", 2)).contains("managed memory 128 MB (64 MB a slot; set by taskmanager.memory.managed.size)");
    }

    @Test
    void theRealMachineGetsAtLeastTheFloor() {
        Configuration flink = new Configuration();
        LocalMemory.apply(flink);
        assertThat(flink.get(TaskManagerOptions.MANAGED_MEMORY_SIZE).getBytes()).isBetween(512 * MB, 2048 * MB);
    }
}
