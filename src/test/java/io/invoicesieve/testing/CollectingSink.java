package io.invoicesieve.testing;

import io.invoicesieve.model.Decision;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Collects decisions of a MiniCluster job (same JVM) into a named bucket, so that a test can
 * watch an unbounded job's output and stop it with a savepoint once everything arrived. Stateless:
 * it adds nothing to a savepoint.
 */
public class CollectingSink implements Sink<Decision> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Decision>> BUCKETS = new ConcurrentHashMap<>();

    private final String bucket;

    public CollectingSink(String bucket) {
        this.bucket = bucket;
        BUCKETS.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
    }

    public static List<Decision> get(String bucket) {
        Queue<Decision> q = BUCKETS.get(bucket);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    public static void clear(String bucket) {
        BUCKETS.remove(bucket);
    }

    @Override
    @SuppressWarnings("deprecation") // the InitContext variant is the abstract one in Flink 1.20
    public SinkWriter<Decision> createWriter(InitContext context) {
        Queue<Decision> queue = BUCKETS.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(Decision element, Context ctx) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
