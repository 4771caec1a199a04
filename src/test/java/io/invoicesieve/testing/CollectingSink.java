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
 *
 * <p>Every decision is checked against contract/decision.schema.json as the job would write it
 * (serde/DecisionJson) when it arrives; {@link #get} then fails the test, in the test's thread, with
 * the violations and the record of the first decisions that break the contract.
 */
public class CollectingSink implements Sink<Decision> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, Queue<Decision>> BUCKETS = new ConcurrentHashMap<>();
    private static final Map<String, Queue<String>> VIOLATIONS = new ConcurrentHashMap<>();
    private static final int VIOLATIONS_SHOWN = 5;

    private final String bucket;

    public CollectingSink(String bucket) {
        this.bucket = bucket;
        BUCKETS.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
    }

    /** The decisions so far; fails if any of them breaks the contract. */
    public static List<Decision> get(String bucket) {
        Queue<String> violations = VIOLATIONS.get(bucket);
        if (violations != null && !violations.isEmpty()) {
            List<String> all = new ArrayList<>(violations);
            List<String> shown = all.subList(0, Math.min(VIOLATIONS_SHOWN, all.size()));
            throw new AssertionError(all.size() + " decision(s) of bucket " + bucket
                    + " break the contract; the first:\n" + String.join("\n", shown));
        }
        Queue<Decision> q = BUCKETS.get(bucket);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    public static void clear(String bucket) {
        BUCKETS.remove(bucket);
        VIOLATIONS.remove(bucket);
    }

    @Override
    @SuppressWarnings("deprecation") // the InitContext variant is the abstract one in Flink 1.20
    public SinkWriter<Decision> createWriter(InitContext context) {
        Queue<Decision> queue = BUCKETS.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
        Queue<String> violations = VIOLATIONS.computeIfAbsent(bucket, b -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(Decision element, Context ctx) {
                try {
                    ContractSchemas.assertValidDecision(element);
                } catch (AssertionError e) {
                    violations.add(e.getMessage());
                }
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
