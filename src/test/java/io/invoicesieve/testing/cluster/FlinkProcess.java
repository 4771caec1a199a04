package io.invoicesieve.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of a {@link FlinkCluster} (a JobManager or a TaskManager): its process, its Flink log
 * ({@code <name>.log}) and its stdout/stderr ({@code <name>.out}) in the cluster's folder under target/.
 * Every process started here is also killed by one JVM shutdown hook, so a test JVM that ends without
 * closing its cluster (a failed assertion in a constructor, Ctrl-C) leaves no Flink JVM behind. The
 * out-of-process Kafka broker ({@code KafkaService.startProcess}) runs through it too.
 */
public final class FlinkProcess {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> LIVE.forEach(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }),
                "flink-cluster-kill"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final Path out;
    private final Instant started;

    private FlinkProcess(String name, Process process, Path log, Path out, Instant started) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.out = out;
        this.started = started;
    }

    /** Starts {@code command}; {@code logDir/<name>.log} is the Flink log, {@code <name>.out} the console. */
    public static FlinkProcess start(String name, List<String> command, Path workDir, Path logDir) {
        Path out = logDir.resolve(name + ".out");
        Path log = logDir.resolve(name + ".log");
        try {
            Files.writeString(out, String.join(" ", command) + "\n\n", StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            LIVE.add(process);
            process.onExit().thenRun(() -> LIVE.remove(process));
            return new FlinkProcess(name, process, log, out, Instant.now());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while it runs. */
    public Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** How long ago it was started. */
    public Duration uptime() {
        return Duration.between(started, Instant.now());
    }

    /** {@code kill -9}: no shutdown hooks, no goodbye to the JobManager (a crashed machine or an OOM kill). */
    public void kill() {
        process.destroyForcibly();
        await(Duration.ofSeconds(30));
    }

    /** {@code kill} (SIGTERM): Flink's shutdown hooks run; SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        if (!await(grace)) {
            kill();
        }
    }

    /** Waits up to {@code timeout} for the process to end; its exit code, or null if it still runs. */
    public Integer awaitExit(Duration timeout) {
        return await(timeout) ? process.exitValue() : null;
    }

    private boolean await(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path logFile() {
        return log;
    }

    public Path outFile() {
        return out;
    }

    /** Status line plus the last {@code lines} lines of its log and of its console output. */
    public String tail(int lines) {
        StringBuilder s = new StringBuilder();
        s.append("---- ").append(name).append(" (pid ").append(pid()).append(", ")
                .append(isAlive() ? "alive" : "exited with " + process.exitValue())
                .append(", up ").append(uptime().toSeconds()).append(" s)\n");
        s.append("  ").append(log).append(" (last ").append(lines).append(" lines):\n");
        tail(log, lines).forEach(l -> s.append("    ").append(l).append('\n'));
        s.append("  ").append(out).append(" (last ").append(lines / 2).append(" lines):\n");
        tail(out, lines / 2).forEach(l -> s.append("    ").append(l).append('\n'));
        return s.toString();
    }

    /** Lines of the Flink log that contain {@code text}. */
    public List<String> grepLog(String text) {
        List<String> hits = new ArrayList<>();
        for (String line : lines(log)) {
            if (line.contains(text)) {
                hits.add(line);
            }
        }
        return hits;
    }

    private static List<String> tail(Path file, int lines) {
        List<String> all = lines(file);
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }

    private static List<String> lines(Path file) {
        if (!Files.exists(file)) {
            return Collections.singletonList("(no such file)");
        }
        try {
            // Logs may hold partial UTF-8 sequences at the end while being written.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return Collections.singletonList("(unreadable: " + e + ")");
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + (isAlive() ? "" : ", exited " + process.exitValue()) + "]";
    }
}
