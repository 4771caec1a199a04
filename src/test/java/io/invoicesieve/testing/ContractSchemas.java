package io.invoicesieve.testing;

import io.invoicesieve.model.DeadLetter;
import io.invoicesieve.model.Decision;
import io.invoicesieve.serde.DecisionJson;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.fail;

/**
 * The repository's contract ({@code contract/*.schema.json}, JSON Schema draft 2020-12) as test
 * assertions: {@code assertValidDecision(json)} and friends fail with every violation and the record.
 * Formats ({@code date}, {@code date-time}) are asserted, not only annotated, and a JSON record with
 * a duplicate field or trailing content fails too.
 *
 * <p>The schemas are read from {@code <repository root>/contract/}, the root being the first folder
 * from {@code basedir} (set by Maven's surefire and failsafe) or else {@code user.dir} upwards that
 * holds {@code contract/decision.schema.json}: an IDE run from a sub-folder finds it as well.
 * Thread-safe; a MiniCluster's sink writers may call it.
 */
public final class ContractSchemas {

    public static final String INVOICE = "invoice.schema.json";
    public static final String DECISION = "decision.schema.json";
    public static final String DEAD_LETTER = "dead-letter.schema.json";
    public static final String OPENSEARCH_DOCUMENT = "opensearch-document.schema.json";

    /** A record longer than this is cut in a failure message. */
    private static final int MAX_RECORD_CHARS = 4000;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final Path CONTRACT = findContractDir();
    private static final SchemaRegistry REGISTRY = registry();
    private static final Map<String, Schema> SCHEMAS = new ConcurrentHashMap<>();

    private ContractSchemas() {}

    /** {@code <repository root>/contract}. */
    public static Path contractDir() {
        return CONTRACT;
    }

    /** The repository root (the folder that holds {@code contract/}). */
    public static Path repositoryRoot() {
        return CONTRACT.getParent();
    }

    /** A file of the contract folder, e.g. {@code sample-invoice.json}. */
    public static Path file(String name) {
        return CONTRACT.resolve(name);
    }

    // ------------------------------------------------------------------------------ assertions

    public static void assertValidDecision(String json) {
        assertValid(DECISION, json);
    }

    /** The decision as the job writes it (serde/DecisionJson: decisions.jsonl and Kafka). */
    public static void assertValidDecision(Decision decision) {
        assertValid(DECISION, new String(DecisionJson.toJsonBytes(decision), StandardCharsets.UTF_8));
    }

    public static void assertValidDeadLetter(String json) {
        assertValid(DEAD_LETTER, json);
    }

    /** The dead letter as the job writes it (serde/DecisionJson: dlq.jsonl and Kafka). */
    public static void assertValidDeadLetter(DeadLetter deadLetter) {
        assertValid(DEAD_LETTER, new String(DecisionJson.toJsonBytes(deadLetter), StandardCharsets.UTF_8));
    }

    public static void assertValidInvoice(String json) {
        assertValid(INVOICE, json);
    }

    public static void assertValidOpenSearchDocument(String json) {
        assertValid(OPENSEARCH_DOCUMENT, json);
    }

    /** Fails, listing every violation and the record, unless {@code json} is valid against {@code schema}. */
    public static void assertValid(String schema, String json) {
        List<String> violations = violations(schema, json);
        if (!violations.isEmpty()) {
            fail(message(schema, violations, json));
        }
    }

    /** The same check for a record already parsed (e.g. an OpenSearch hit's _source). */
    public static void assertValid(String schema, JsonNode record) {
        List<String> violations = violations(schema, record);
        if (!violations.isEmpty()) {
            fail(message(schema, violations, record.toString()));
        }
    }

    /** Every violation of {@code json} against {@code schema} ("$.field: message"); empty if valid. */
    public static List<String> violations(String schema, String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.toString();
            return List.of("$: not one valid JSON value: " + why);
        }
        if (node == null || node.isMissingNode()) {
            return List.of("$: empty record");
        }
        return violations(schema, node);
    }

    public static List<String> violations(String schema, JsonNode record) {
        List<String> out = new ArrayList<>();
        for (Error error : schema(schema).validate(record)) {
            out.add(error.toString());
        }
        return out;
    }

    private static String message(String schema, List<String> violations, String json) {
        StringBuilder b = new StringBuilder();
        b.append("Expecting a record valid against contract/").append(schema).append(" but found ")
                .append(violations.size()).append(violations.size() == 1 ? " violation:" : " violations:");
        for (String v : violations) {
            b.append("\n  - ").append(v);
        }
        b.append("\nin record:\n  ")
                .append(json.length() > MAX_RECORD_CHARS ? json.substring(0, MAX_RECORD_CHARS) + " ...(cut)" : json);
        return b.toString();
    }

    // ------------------------------------------------------------------------------ loading

    /** The compiled schema of a contract file (or a fragment of one: {@code decision.schema.json#/$defs/reason}). */
    public static Schema schema(String name) {
        return SCHEMAS.computeIfAbsent(name, n -> REGISTRY.getSchema(SchemaLocation.of(CONTRACT.resolve(base(n)).toUri() + fragment(n))));
    }

    private static String base(String name) {
        int hash = name.indexOf('#');
        return hash < 0 ? name : name.substring(0, hash);
    }

    private static String fragment(String name) {
        int hash = name.indexOf('#');
        return hash < 0 ? "" : name.substring(hash);
    }

    private static SchemaRegistry registry() {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder()
                .formatAssertionsEnabled(true)
                .locale(Locale.ROOT)
                .build();
        String prefix = CONTRACT.toUri().toString();
        // Only the contract folder is readable: a $ref anywhere else (a URL) fails instead of fetching.
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
                .schemaRegistryConfig(config)
                .schemas(iri -> iri.startsWith(prefix) ? read(CONTRACT.resolve(iri.substring(prefix.length()))) : null));
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path findContractDir() {
        List<String> tried = new ArrayList<>();
        for (String property : new String[] {"basedir", "user.dir"}) {
            String start = System.getProperty(property);
            if (start == null || start.isBlank()) {
                continue;
            }
            for (Path dir = Paths.get(start).toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
                Path contract = dir.resolve("contract");
                if (Files.isRegularFile(contract.resolve(DECISION))) {
                    return contract;
                }
                tried.add(contract.toString());
            }
        }
        throw new IllegalStateException("No contract/" + DECISION + " found from basedir or user.dir upwards; tried " + tried);
    }
}
