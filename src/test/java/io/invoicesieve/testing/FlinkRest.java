package io.invoicesieve.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.ClusterClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test MiniCluster's REST API (the one the Flink UI and the Kubernetes operator read), for what a
 * JobClient does not tell: the failures a job restarted from, and the watermark an operator has seen.
 * Inject the client with {@code @InjectClusterClient ClusterClient<?> client} (MiniClusterExtension).
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public FlinkRest(ClusterClient<?> client) {
        String url = client.getWebInterfaceURL();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * The job's exception history, oldest first: one entry per failure the job recovered from (or
     * ended with), each with exceptionName, stacktrace and the failing task's taskName.
     */
    public List<JsonNode> exceptionHistory(JobID job) throws IOException, InterruptedException {
        List<JsonNode> entries = new ArrayList<>();
        get("/jobs/" + job + "/exceptions?maxExceptions=100").path("exceptionHistory").path("entries").forEach(entries::add);
        java.util.Collections.reverse(entries); // the REST API lists the latest first
        return entries;
    }

    /** The lowest current input watermark over the subtasks of the job vertex whose name contains {@code name}. */
    public long inputWatermark(JobID job, String name) throws IOException, InterruptedException {
        String vertex = null;
        for (JsonNode v : get("/jobs/" + job).path("vertices")) {
            if (v.path("name").asText().contains(name)) {
                vertex = v.path("id").asText();
            }
        }
        if (vertex == null) {
            throw new IllegalArgumentException("no vertex named like " + name + " in job " + job);
        }
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (JsonNode w : get("/jobs/" + job + "/vertices/" + vertex + "/watermarks")) {
            if (w.path("id").asText().endsWith(".currentInputWatermark")) {
                min = Math.min(min, Long.parseLong(w.path("value").asText()));
                any = true;
            }
        }
        return any ? min : Long.MIN_VALUE;
    }
}
