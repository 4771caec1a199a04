package io.invoicesieve.bench;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serializes every record with {@link DecisionJson} (so serialization is part of the measured cost)
 * and drops the bytes. Counts records and bytes, and remembers the wall-clock times of the first and
 * the last record, in static counters: the MiniCluster runs in this JVM.
 */
final class DiscardingJsonSink {

    static final LongAdder RECORDS = new LongAdder();
    static final LongAdder BYTES = new LongAdder();
    static final LongAccumulator FIRST_NANOS = new LongAccumulator(Math::min, Long.MAX_VALUE);
    static final AtomicLong LAST_NANOS = new AtomicLong();

    private DiscardingJsonSink() {}

    static void reset() {
        RECORDS.reset();
        BYTES.reset();
        FIRST_NANOS.reset();
        LAST_NANOS.set(0);
    }

    private static void count(int bytes) {
        long now = System.nanoTime();
        RECORDS.increment();
        BYTES.add(bytes);
        FIRST_NANOS.accumulate(now);
        LAST_NANOS.accumulateAndGet(now, Math::max);
    }

    static final class Decisions implements Sink<Decision> {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("deprecation") // the InitContext variant is the abstract one in Flink 1.20
        public SinkWriter<Decision> createWriter(InitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(Decision element, Context ctx) {
                    count(DecisionJson.toJsonBytes(element).length);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    static final class DeadLetters implements Sink<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        @SuppressWarnings("deprecation")
        public SinkWriter<DeadLetter> createWriter(InitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(DeadLetter element, Context ctx) {
                    count(DecisionJson.toJsonBytes(element).length);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
