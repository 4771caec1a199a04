package io.invoicesieve.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listening ports for the services and clusters the tests start, chosen below the kernel's ephemeral
 * range ({@code /proc/sys/net/ipv4/ip_local_port_range}).
 *
 * <p>A port taken from {@code new ServerSocket(0)} comes from the ephemeral range, which is also where
 * every client socket (a Kafka consumer, a TaskManager's RPC connection, a JDBC pool) gets its source
 * port. Between the moment such a port is found free and the moment the service binds it, any of those
 * can take it; CI saw a JobManager fail with "Could not start actor system on any port in port range
 * 35449" that way. Below the ephemeral range only another listener can take a port, and the listeners
 * of a test run all come from here: a counter that starts at a random offset (so that two Maven runs on
 * one machine do not walk the same sequence) and skips a port that does not bind.
 */
public final class FreePorts {

    private static final int FIRST = 15_000;
    private static final int LAST = lastBelowEphemeral();
    private static final AtomicInteger NEXT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(LAST - FIRST + 1));

    private FreePorts() {}

    /** A port that nothing listens on at 127.0.0.1 now, and that this JVM has not handed out before. */
    public static int next() {
        int span = LAST - FIRST + 1;
        for (int attempt = 0; attempt < span; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), span);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST + " on 127.0.0.1");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(ServiceSupport.LOOPBACK))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One below the first ephemeral port; 32767 (the Linux default's 32768 - 1) if the file is unreadable. */
    private static int lastBelowEphemeral() {
        int firstEphemeral = 32_768;
        try {
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            firstEphemeral = Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unusual /proc: keep the default. (Files.readString reads only the first
            // byte of this procfs file on JDK 17, whose size is reported as 0; readAllLines streams.)
        }
        if (firstEphemeral - 1 < FIRST + 1_000) {
            throw new UncheckedIOException(new IOException("the ephemeral port range starts at " + firstEphemeral
                    + "; FreePorts needs at least 1,000 ports below it, from " + FIRST));
        }
        return firstEphemeral - 1;
    }
}
