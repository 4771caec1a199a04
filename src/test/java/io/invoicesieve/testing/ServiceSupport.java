package io.invoicesieve.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** Directories under target/, free loopback ports and killing by pid: shared by the services. */
final class ServiceSupport {

    static final String LOOPBACK = "127.0.0.1";

    private ServiceSupport() {}

    /**
     * Root of the services' data: {@code services.dir} (set by failsafe to target/services), else
     * target/services relative to the working directory (an IDE run from the project root).
     */
    static Path servicesDir() {
        Path dir = Paths.get(System.getProperty("services.dir", "target/services")).toAbsolutePath();
        return createDirectories(dir);
    }

    /** A fresh directory for one service instance; {@code java.io.tmpdir} is created too (Flink needs it). */
    static Path newInstanceDir(String service) {
        createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        return createDirectories(servicesDir().resolve(service + "-" + ProcessHandle.current().pid()));
    }

    /**
     * Cleans up after test JVMs that died without running their shutdown hooks (kill -9, a crashed
     * fork): for each {@code <service>-<jvm pid>} directory whose JVM is gone, kills the server whose
     * pid is the first line of {@code pidFile} inside it (if that process's command line still names
     * the directory), then deletes the directory.
     */
    static void reapStale(String service, String pidFile) {
        try (Stream<Path> dirs = Files.list(servicesDir())) {
            dirs.filter(d -> d.getFileName().toString().startsWith(service + "-")).forEach(dir -> {
                String owner = dir.getFileName().toString().substring(service.length() + 1);
                if (!owner.matches("\\d+") || ProcessHandle.of(Long.parseLong(owner)).isPresent()) {
                    return;
                }
                Path pid = dir.resolve(pidFile);
                try {
                    if (Files.exists(pid)) {
                        long serverPid = Long.parseLong(Files.readAllLines(pid).get(0).trim());
                        // Only if that pid is still our server, not a process that reused the number.
                        boolean ours = ProcessHandle.of(serverPid)
                                .flatMap(h -> h.info().commandLine())
                                .map(cmd -> cmd.contains(dir.toString()))
                                .orElse(false);
                        if (ours) {
                            kill(serverPid, Duration.ofSeconds(10));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // A half-written pid file: nothing to kill.
                }
                deleteRecursively(dir);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A free loopback port below the ephemeral range: see {@link FreePorts}. */
    static int freePort() {
        return FreePorts.next();
    }

    /** Terminates the process and its descendants: SIGTERM, then SIGKILL after {@code grace}. */
    static void kill(long pid, Duration grace) {
        ProcessHandle.of(pid).ifPresent(process -> {
            Stream<ProcessHandle> all = Stream.concat(process.descendants(), Stream.of(process));
            all.forEach(ProcessHandle::destroy);
            try {
                process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        });
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
