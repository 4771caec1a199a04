package io.invoicesieve.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads what a job wrote as JSON lines ({@code decisions.jsonl}, {@code dlq.jsonl}, and the
 * {@code -<subtask>} files of parallel sink subtasks) and checks every line against the contract:
 * a line that breaks it fails the test with the file, the line number, the violations and the line.
 */
public final class JobOutputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobOutputs() {}

    /** Every decision line of {@code decisions*.jsonl} in {@code dir}, each valid against decision.schema.json. */
    public static List<JsonNode> decisions(Path dir) {
        return read(dir, "decisions", ContractSchemas.DECISION);
    }

    /** Every dead letter line of {@code dlq*.jsonl} in {@code dir}, each valid against dead-letter.schema.json. */
    public static List<JsonNode> deadLetters(Path dir) {
        return read(dir, "dlq", ContractSchemas.DEAD_LETTER);
    }

    private static List<JsonNode> read(Path dir, String prefix, String schema) {
        List<JsonNode> out = new ArrayList<>();
        for (Path file : files(dir, prefix)) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                try {
                    ContractSchemas.assertValid(schema, line);
                    out.add(JSON.readTree(line));
                } catch (AssertionError e) {
                    throw new AssertionError(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** {@code <prefix>.jsonl} and {@code <prefix>-<n>.jsonl} in {@code dir}, sorted. */
    public static List<Path> files(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                        String name = f.getFileName().toString();
                        return name.endsWith(".jsonl") && (name.equals(prefix + ".jsonl") || name.startsWith(prefix + "-"));
                    })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
