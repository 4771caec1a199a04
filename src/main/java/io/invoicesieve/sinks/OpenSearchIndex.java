package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.SieveConfig;

import org.apache.http.HttpHost;
import org.apache.http.util.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The analysts' index layout: the composable index template {@code <alias>-template}
 * (opensearch/index-template.json) for indices {@code <alias>-*}, and the first index
 * {@code <alias>-000001} behind the write alias {@code <alias>}. Idempotent: the template is PUT
 * again (replacing an older one; existing indices keep their mapping), the index only created when
 * the alias does not exist yet.
 */
public final class OpenSearchIndex {

    private OpenSearchIndex() {}

    public static RestClient client(SieveConfig config) {
        HttpHost[] hosts = OpenSearchDecisionSink.hosts(config);
        RestClientBuilder builder = RestClient.builder(hosts);
        OpenSearchClients.of(config).configureRestClientBuilder(builder, null);
        return builder.build();
    }

    public static String template(SieveConfig config) {
        try (InputStream in = OpenSearchIndex.class.getClassLoader().getResourceAsStream("opensearch/index-template.json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return json.replace("${alias}", config.get(ConnectorOptions.OPENSEARCH_INDEX))
                    .replace("${shards}", String.valueOf(config.get(ConnectorOptions.OPENSEARCH_SHARDS)))
                    .replace("${replicas}", String.valueOf(config.get(ConnectorOptions.OPENSEARCH_REPLICAS)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PUTs the template and creates the first index behind the alias when needed; returns what it did. */
    public static String apply(SieveConfig config) throws IOException {
        String alias = config.get(ConnectorOptions.OPENSEARCH_INDEX);
        try (RestClient client = client(config)) {
            Request put = new Request("PUT", "/_index_template/" + alias + "-template");
            put.setJsonEntity(template(config));
            client.performRequest(put);
            Response exists = client.performRequest(new Request("HEAD", "/_alias/" + alias));
            if (exists.getStatusLine().getStatusCode() == 200) {
                return "template " + alias + "-template updated; alias " + alias + " exists";
            }
            Request create = new Request("PUT", "/" + alias + "-000001");
            create.setJsonEntity("{\"aliases\":{\"" + alias + "\":{\"is_write_index\":true}}}");
            try {
                client.performRequest(create);
            } catch (ResponseException e) {
                String body = EntityUtils.toString(e.getResponse().getEntity());
                if (!body.contains("resource_already_exists_exception")) {
                    throw e;
                }
            }
            Request health = new Request("GET", "/_cluster/health/" + alias + "-000001");
            health.addParameter("wait_for_status", "yellow");
            health.addParameter("timeout", "30s");
            client.performRequest(health);
            return "template " + alias + "-template put; index " + alias + "-000001 created behind alias " + alias;
        }
    }
}
