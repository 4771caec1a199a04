package io.invoicesieve.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code init} and {@code run} against an unreachable service: exit 2 within seconds, one line
 * naming the service and the setting that points to it, nothing done. "Reachable" services here
 * are plain listening sockets: the preflight only opens a TCP connection.
 */
class PreflightTest {

    private ServerSocket up;
    private int down;

    @BeforeEach
    void sockets() throws Exception {
        up = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort(); // closed again: connections are refused
        }
    }

    @AfterEach
    void close() throws Exception {
        up.close();
    }

    private String[] settings(String command, String kafka, String jdbc, String opensearch) {
        return new String[] {command, "--sieve.kafka.bootstrap-servers", kafka,
            "--sieve.jdbc.url", jdbc, "--sieve.opensearch.hosts", opensearch};
    }

    private String at(int port) {
        return "127.0.0.1:" + port;
    }

    @Test
    void initNamesTheUnreachableServiceAndItsSetting() {
        CliTest.run(settings("init", at(down), "jdbc:postgresql://" + at(up.getLocalPort()) + "/db", "http://" + at(up.getLocalPort())))
                .isUsageError("Kafka is not reachable", "'sieve.kafka.bootstrap-servers'", at(down));
        CliTest.run(settings("init", at(up.getLocalPort()), "jdbc:postgresql://" + at(down) + "/db", "http://" + at(up.getLocalPort())))
                .isUsageError("PostgreSQL is not reachable", "'sieve.jdbc.url'", at(down));
        CliTest.run(settings("init", at(up.getLocalPort()), "jdbc:postgresql://" + at(up.getLocalPort()) + "/db", "http://" + at(down)))
                .isUsageError("OpenSearch is not reachable", "'sieve.opensearch.hosts'", at(down));
    }

    @Test
    void runChecksTooBeforeItBuildsTheJob() {
        CliTest.Run r = CliTest.run("run", "--local-cluster", "--sieve.kafka.bootstrap-servers", at(up.getLocalPort()),
                "--sieve.jdbc.url", "jdbc:postgresql://" + at(down) + "/db", "--sieve.opensearch.hosts", "http://" + at(up.getLocalPort()));
        r.isUsageError("PostgreSQL is not reachable", "'sieve.jdbc.url'");
    }

    @Test
    void oneReachableEndpointOfASettingIsEnough() {
        assertThat(Preflight.connect(new InetSocketAddress("127.0.0.1", up.getLocalPort()))).isNull();
        assertThat(Preflight.connect(new InetSocketAddress("127.0.0.1", down))).isNotNull();
        assertThat(Preflight.kafka(at(down) + "," + at(up.getLocalPort()))).hasSize(2);
        assertThat(Preflight.postgres("jdbc:postgresql://a:1,b/db?ssl=true"))
                .extracting(InetSocketAddress::getPort).containsExactly(1, 5432);
        assertThat(Preflight.opensearch("https://os-0,http://os-1:9201"))
                .extracting(InetSocketAddress::getPort).containsExactly(443, 9201);
    }
}
