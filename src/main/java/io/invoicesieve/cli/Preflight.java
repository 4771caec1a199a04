package io.invoicesieve.cli;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;

import org.apache.flink.configuration.ConfigOption;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Before {@code init} or {@code run} does anything: is each configured service reachable? A TCP
 * connection to at least one endpoint of each of Kafka, PostgreSQL and OpenSearch within
 * {@link #TIMEOUT_MILLIS}; otherwise one line naming the service, the setting that points to it and
 * what happened, instead of a client retrying for a minute and a trace that names none of them.
 * Reachability only: credentials and TLS are the clients' own errors, which name their service.
 */
public final class Preflight {

    static final int TIMEOUT_MILLIS = 3000;

    private Preflight() {}

    /** Throws IllegalArgumentException (exit code 2) naming the first unreachable service. */
    public static void check(SieveConfig config) {
        check("Kafka", ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS, config, kafka(config.required(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS)));
        check("PostgreSQL", ConnectorOptions.JDBC_URL, config, postgres(config.required(ConnectorOptions.JDBC_URL)));
        check("OpenSearch", ConnectorOptions.OPENSEARCH_HOSTS, config, opensearch(config.required(ConnectorOptions.OPENSEARCH_HOSTS)));
    }

    private static void check(String service, ConfigOption<String> setting, SieveConfig config, List<InetSocketAddress> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("Setting '" + setting.key() + "': no " + service + " endpoint in '"
                    + config.get(setting) + "'");
        }
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress endpoint : endpoints) {
            String failure = connect(endpoint);
            if (failure == null) {
                return;
            }
            failures.add(endpoint.getHostString() + ":" + endpoint.getPort() + " (" + failure + ")");
        }
        throw new IllegalArgumentException(service + " is not reachable: setting '" + setting.key() + "' points to "
                + String.join(", ", failures) + "; nothing was done");
    }

    /** Null when a TCP connection opened within the timeout; what went wrong otherwise. */
    static String connect(InetSocketAddress endpoint) {
        if (endpoint.isUnresolved()) {
            return "unknown host";
        }
        try (Socket socket = new Socket()) {
            socket.connect(endpoint, TIMEOUT_MILLIS);
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within " + TIMEOUT_MILLIS / 1000 + " s";
        } catch (IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static List<InetSocketAddress> kafka(String bootstrapServers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String server : bootstrapServers.split(",")) {
            if (!server.isBlank()) {
                out.add(hostPort(server.trim(), 9092));
            }
        }
        return out;
    }

    /** {@code jdbc:postgresql://host1[:port1][,host2[:port2]...]/database[?...]}. */
    static List<InetSocketAddress> postgres(String url) {
        List<InetSocketAddress> out = new ArrayList<>();
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) {
            return out;
        }
        String rest = url.substring(prefix.length());
        int end = rest.indexOf('/');
        for (String host : (end < 0 ? rest : rest.substring(0, end)).split(",")) {
            if (!host.isBlank()) {
                out.add(hostPort(host.trim(), 5432));
            }
        }
        return out;
    }

    static List<InetSocketAddress> opensearch(String hosts) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String host : hosts.split(",")) {
            if (host.isBlank()) {
                continue;
            }
            URI uri = URI.create(host.trim());
            int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 9200;
            out.add(uri.getHost() == null ? InetSocketAddress.createUnresolved(host.trim(), port)
                    : new InetSocketAddress(uri.getHost(), port));
        }
        return out;
    }

    private static InetSocketAddress hostPort(String hostPort, int defaultPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort;
        int port = defaultPort;
        if (colon > 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                return InetSocketAddress.createUnresolved(hostPort, defaultPort);
            }
        }
        host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new InetSocketAddress(host, port);
    }
}
