package io.invoicesieve.testing.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * k8s-operator/prometheusrule.yaml (a Prometheus Operator {@code PrometheusRule}) as the plain rule
 * file Prometheus and promtool read: its {@code spec}. And promtool itself, which the build needs
 * (Debian package {@code prometheus}; .ci/run installs it).
 */
public final class PrometheusRules {

    public static final Path MANIFEST = Path.of("k8s-operator", "prometheusrule.yaml");
    /** promtool unit tests of the rules (rules-drift-test.yaml apart: it evaluates a week every 10 minutes). */
    public static final List<Path> UNIT_TESTS = List.of(
            Path.of("src", "test", "prometheus", "rules-test.yaml"),
            Path.of("src", "test", "prometheus", "rules-drift-test.yaml"));
    /** The name rules-test.yaml's rule_files expects next to it. */
    public static final String RULE_FILE = "invoice-sieve.rules.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PrometheusRules() {}

    /** The PrometheusRule's spec ({@code groups: ...}). */
    public static JsonNode spec() {
        try {
            JsonNode manifest = YAML.readTree(MANIFEST.toFile());
            if (!"PrometheusRule".equals(manifest.path("kind").asText())) {
                throw new IllegalStateException(MANIFEST + " is not a PrometheusRule");
            }
            return manifest.path("spec");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the spec as {@code dir/invoice-sieve.rules.yaml}; returns the file. */
    public static Path writeRuleFile(Path dir) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(RULE_FILE);
            YAML.writeValue(file.toFile(), spec());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the alerting rules. */
    public static List<String> alertNames() {
        List<String> names = new ArrayList<>();
        for (JsonNode group : spec().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                if (rule.has("alert")) {
                    names.add(rule.path("alert").asText());
                }
            }
        }
        return names;
    }

    /** promtool on the PATH, or null. */
    public static Path promtool() {
        return onPath("promtool");
    }

    /** prometheus on the PATH, or null. */
    public static Path prometheus() {
        return onPath("prometheus");
    }

    private static Path onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Runs a command in {@code dir}; returns exit code and output. */
    public static Result run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Result(int exitCode, String output) {}
}
