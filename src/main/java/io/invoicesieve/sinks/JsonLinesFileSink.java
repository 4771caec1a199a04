package io.invoicesieve.sinks;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.util.function.SerializableFunction;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Local mode's output: one JSON line per record into one named file (run it with parallelism 1).
 * Flink's FileSink writes part files in bucket folders, which is right for a cluster and wrong for
 * "decisions.jsonl on my laptop"; this writer flushes on checkpoints and at the end of input, and
 * makes no exactly-once promise: it is for local, bounded runs.
 */
public class JsonLinesFileSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final SerializableFunction<T, byte[]> toJson;

    public JsonLinesFileSink(Path file, SerializableFunction<T, byte[]> toJson) {
        this.file = file.toString();
        this.toJson = toJson;
    }

    @Override
    @SuppressWarnings("deprecation") // the InitContext variant is the abstract one in Flink 1.20
    public SinkWriter<T> createWriter(InitContext context) throws IOException {
        Path path = Paths.get(file);
        int subtask = context.getSubtaskId();
        if (subtask > 0) {
            String name = path.getFileName().toString();
            path = path.resolveSibling(name.replace(".jsonl", "-" + subtask + ".jsonl"));
        }
        if (path.getParent() != null) {
            Files.createDirectories(path.getParent());
        }
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                out.write(toJson.apply(element));
                out.write('\n');
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }
}
