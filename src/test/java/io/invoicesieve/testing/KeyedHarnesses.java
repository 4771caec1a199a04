package io.invoicesieve.testing;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.function.SerializableFunction;

import java.nio.file.Path;

/** Harnesses of one keyed stage on the heap or the RocksDB backend, as the state tests run them. */
public final class KeyedHarnesses {

    private KeyedHarnesses() {}

    /**
     * A harness of {@code function} keyed by {@code key}, without Kryo, on {@code backend}
     * ("hashmap" or "rocksdb", whose files go under {@code tmp}); not yet initialized or opened.
     */
    public static <I, O> KeyedOneInputStreamOperatorTestHarness<String, I, O> create(
            String backend, KeyedProcessFunction<String, I, O> function, SerializableFunction<I, String> key, Path tmp)
            throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, I, O> h =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), key::apply, Types.STRING);
        h.getExecutionConfig().disableGenericTypes();
        if (backend.equals("rocksdb")) {
            EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
            rocks.setDbStoragePath(tmp.resolve("rocksdb-" + System.nanoTime()).toString());
            h.setStateBackend(rocks);
        } else {
            h.setStateBackend(new HashMapStateBackend());
        }
        return h;
    }
}
