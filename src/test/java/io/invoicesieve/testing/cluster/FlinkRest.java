package io.invoicesieve.testing.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small client of one Flink REST endpoint (java.net.http and Jackson): jars, jobs, checkpoints,
 * stop-with-savepoint. Every call has a timeout; a non-2xx reply throws {@link RestException} with the
 * status and body (Flink's {@code errors} array), a refused or dropped connection throws
 * {@link UncheckedIOException}. Waiting (for RUNNING, a savepoint, checkpoints) is done by
 * {@link FlinkCluster}, which knows the processes and puts their logs into the failure.
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    FlinkRest(String hostPort, Duration timeout) {
        this.base = URI.create("http://" + hostPort + "/");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public URI baseUri() {
        return base;
    }

    /** A non-2xx reply of the REST API. */
    public static final class RestException extends RuntimeException {
        public final int status;
        public final String body;

        RestException(String request, int status, String body) {
            super(request + " -> HTTP " + status + ": " + body);
            this.status = status;
            this.body = body;
        }
    }

    // ------------------------------------------------------------------------------ raw calls

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), "GET " + path);
    }

    public JsonNode post(String path, Object body) {
        String json;
        try {
            json = body == null ? "{}" : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return send(HttpRequest.newBuilder(base.resolve(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                "POST " + path + " " + json);
    }

    private JsonNode send(HttpRequest.Builder request, String what) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new RestException(what, response.statusCode(), response.body());
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": not JSON: " + response.body(), e);
        }
    }

    // ------------------------------------------------------------------------------ cluster

    /** True when the REST endpoint answers {@code GET /config}. */
    public boolean answers() {
        try {
            get("config");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Registered TaskManagers: their ids ({@code taskmanager.resource-id}). */
    public List<String> taskManagerIds() {
        List<String> ids = new ArrayList<>();
        get("taskmanagers").path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        return ids;
    }

    /** {@code GET /overview}: slots-total, slots-available, jobs-running, ... */
    public JsonNode overview() {
        return get("overview");
    }

    // ------------------------------------------------------------------------------ jars

    /** {@code POST /jars/upload} (multipart, field {@code jarfile}); returns the jar id. */
    public String uploadJar(Path jar) {
        String boundary = "----flink-cluster-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            body.write(("--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                    + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(Files.readAllBytes(jar));
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode reply = send(HttpRequest.newBuilder(base.resolve("jars/upload"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())),
                "POST jars/upload " + jar);
        String file = reply.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /**
     * {@code POST /jars/<id>/run}: runs the jar's main in the JobManager; returns the job id of the
     * reply. {@code extra} adds fields to the request body (parallelism, savepointPath, ...).
     */
    public String runJar(String jarId, String entryClass, List<String> programArgs, Map<String, Object> extra) {
        ObjectNode request = JSON.createObjectNode();
        if (entryClass != null) {
            request.put("entryClass", entryClass);
        }
        request.set("programArgsList", JSON.valueToTree(programArgs));
        extra.forEach((k, v) -> request.set(k, JSON.valueToTree(v)));
        JsonNode reply = post("jars/" + jarId + "/run", request);
        String jobId = reply.path("jobid").asText(null);
        if (jobId == null) {
            throw new IllegalStateException("no jobid in the reply of jars/" + jarId + "/run: " + reply);
        }
        return jobId;
    }

    // ------------------------------------------------------------------------------ jobs

    /** {@code GET /jobs/overview}: id to state. */
    public Map<String, String> jobs() {
        Map<String, String> jobs = new java.util.LinkedHashMap<>();
        get("jobs/overview").path("jobs").forEach(j -> jobs.put(j.path("jid").asText(), j.path("state").asText()));
        return jobs;
    }

    /** {@code GET /jobs/<id>}: state, vertices with their states, ... */
    public JsonNode job(String jobId) {
        return get("jobs/" + jobId);
    }

    /** The job's state, and RUNNING only when every vertex runs too (the job goes RUNNING first). */
    public String jobState(String jobId) {
        JsonNode job = job(jobId);
        String state = job.path("state").asText();
        if ("RUNNING".equals(state)) {
            for (JsonNode vertex : job.path("vertices")) {
                if (!"RUNNING".equals(vertex.path("status").asText())) {
                    return "RUNNING (vertex " + vertex.path("name").asText() + " " + vertex.path("status").asText() + ")";
                }
            }
        }
        return state;
    }

    /** Completed checkpoints of the job so far. */
    public long completedCheckpoints(String jobId) {
        return get("jobs/" + jobId + "/checkpoints").path("counts").path("completed").asLong();
    }

    /** The job's root exception, for failure messages. */
    public String exceptions(String jobId) {
        try {
            return get("jobs/" + jobId + "/exceptions").path("root-exception").asText("(none)");
        } catch (RuntimeException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    /** {@code POST /jobs/<id>/stop} (no drain) into {@code targetDirectory}; returns the trigger id. */
    public String triggerStopWithSavepoint(String jobId, Path targetDirectory) {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", targetDirectory.toUri().toString());
        request.put("drain", false);
        return post("jobs/" + jobId + "/stop", request).path("request-id").asText();
    }

    /**
     * {@code GET /jobs/<id>/savepoints/<trigger>}: null while IN_PROGRESS, the savepoint location when
     * COMPLETED; throws with the failure cause when it failed.
     */
    public String savepointLocation(String jobId, String triggerId) {
        JsonNode status = get("jobs/" + jobId + "/savepoints/" + triggerId);
        if (!"COMPLETED".equals(status.path("status").path("id").asText())) {
            return null;
        }
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
            throw new IllegalStateException("savepoint failed: " + operation.path("failure-cause"));
        }
        return operation.path("location").asText();
    }
}
