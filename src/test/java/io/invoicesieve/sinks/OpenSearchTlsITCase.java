package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;
import io.invoicesieve.model.Decision;
import io.invoicesieve.model.DecisionType;
import io.invoicesieve.testing.TestCertificates;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.client.Request;
import org.opensearch.client.RestClient;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * sieve.opensearch.ca-file at the HTTP client level: OpenSearch's integ-test distribution has no
 * security plugin (no TLS), so the sink's real writer (a Flink job on a local MiniCluster) and init's
 * client talk to a small HTTPS server of the test (com.sun.net.httpserver) with a certificate of a
 * test CA, which answers bulk requests like OpenSearch and checks basic authentication. With that CA's
 * file the documents arrive, authenticated with the password the writer read from its file; with
 * another CA's file the TLS handshake fails and so does the job.
 */
class OpenSearchTlsITCase {

    private static final String PASSWORD = "os-password-e4d1";
    private static final Set<String> RECEIVED = ConcurrentHashMap.newKeySet();
    private static Path dir;
    private static TestCertificates certificates;
    private static TestCertificates otherCa;
    private static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "opensearch-tls-" + ProcessHandle.current().pid()));
        certificates = TestCertificates.create(dir.resolve("certs"));
        otherCa = TestCertificates.create(dir.resolve("other-ca"));
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        String expected = "Basic " + Base64.getEncoder().encodeToString(("sieve:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String response;
            int status;
            if (auth == null) {
                status = 401;
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"test\"");
                response = "{\"error\":\"unauthenticated\"}";
            } else if (!auth.equals(expected)) {
                status = 403;
                response = "{\"error\":\"wrong credentials\"}";
            } else if (exchange.getRequestURI().getPath().endsWith("/_bulk")) {
                status = 200;
                response = bulk(new String(body, StandardCharsets.UTF_8));
            } else {
                status = 200;
                response = "{}";
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** One created item per index action of the NDJSON body (each followed by its source line). */
    private static String bulk(String ndjson) {
        List<String> items = new ArrayList<>();
        String[] lines = ndjson.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("{\"index\"")) {
                String id = lines[i].replaceAll(".*\"_id\":\"([^\"]+)\".*", "$1");
                String index = lines[i].replaceAll(".*\"_index\":\"([^\"]+)\".*", "$1");
                RECEIVED.add(id);
                items.add("{\"index\":{\"_index\":\"" + index + "\",\"_id\":\"" + id + "\",\"_version\":1,\"result\":\"created\","
                        + "\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},\"_seq_no\":0,\"_primary_term\":1,\"status\":201}}");
                i++;
            }
        }
        return "{\"took\":1,\"errors\":false,\"items\":[" + String.join(",", items) + "]}";
    }

    /** With the CA that signed the server's certificate, or with another CA's. */
    private static SieveConfig config(boolean rightCa) throws Exception {
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Map<String, String> s = new java.util.HashMap<>(Map.of(
                ConnectorOptions.OPENSEARCH_HOSTS.key(), "https://127.0.0.1:" + server.getAddress().getPort(),
                ConnectorOptions.OPENSEARCH_INDEX.key(), "tls-flagged",
                ConnectorOptions.OPENSEARCH_USERNAME.key(), "sieve",
                ConnectorOptions.OPENSEARCH_PASSWORD.key(), "${file:" + password + "}",
                ConnectorOptions.OPENSEARCH_BULK_INTERVAL.key(), "100 ms",
                ConnectorOptions.OPENSEARCH_BACKOFF_TYPE.key(), "NONE"));
        s.put(ConnectorOptions.OPENSEARCH_CA_FILE.key(), (rightCa ? certificates : otherCa).caPem.toString());
        return SieveConfig.of(s);
    }

    private static void write(SieveConfig config, List<Decision> decisions) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromData(decisions, TypeInformation.of(Decision.class)).sinkTo(OpenSearchDecisionSink.create(config));
        env.execute("opensearch over tls");
    }

    @Test
    void theSinkTrustsThePrivateCaOfTheCaFile() throws Exception {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            decisions.add(DatabaseRolesITCase.decision("tls-" + i, DecisionType.HOLD));
        }
        write(config(true), decisions);
        assertThat(RECEIVED).contains("acme:tls-0", "acme:tls-1", "acme:tls-2", "acme:tls-3", "acme:tls-4");

        // init's client: the same factory
        try (RestClient client = OpenSearchIndex.client(config(true))) {
            Request bulk = new Request("POST", "/_bulk");
            bulk.setJsonEntity("{\"index\":{\"_index\":\"tls-flagged\",\"_id\":\"init-1\"}}\n{}\n");
            assertThat(client.performRequest(bulk).getStatusLine().getStatusCode()).isEqualTo(200);
        }
        assertThat(RECEIVED).contains("init-1");
    }

    @Test
    void withAnotherCaTheHandshakeFails() throws Exception {
        assertThatThrownBy(() -> write(config(false), List.of(DatabaseRolesITCase.decision("tls-untrusted", DecisionType.HOLD))))
                .hasStackTraceContaining("PKIX path");
        assertThat(RECEIVED).doesNotContain("acme:tls-untrusted");
        assertThatThrownBy(() -> {
            try (RestClient client = OpenSearchIndex.client(config(false))) {
                client.performRequest(new Request("GET", "/"));
            }
        }).hasStackTraceContaining("PKIX path");
    }
}
