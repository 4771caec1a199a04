package io.invoicesieve.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rooms of ARCHITECTURE.md and what each may import, checked on the sources: a reference to
 * another room of ours (import or fully qualified name) that the table does not allow fails the
 * build. The tools (src/tools/java) may use anything; the job never sees them (they are compiled
 * apart, so the compiler already enforces that direction).
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/invoicesieve");

    /** Room -> the other rooms it may reference. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("model", Set.of("serde")), // only the @TypeInfo factories of the records in flight
            Map.entry("codec", Set.of()),
            Map.entry("serde", Set.of("codec", "model")),
            Map.entry("config", Set.of("model")),
            Map.entry("state", Set.of("codec", "model")),
            Map.entry("detect", Set.of("config", "model")),
            Map.entry("detect.duplicates", Set.of("detect", "model", "state")),
            Map.entry("detect.amounts", Set.of("detect", "model", "state")),
            Map.entry("detect.bank", Set.of("detect", "detect.amounts", "model", "state")),
            Map.entry("detect.shared", Set.of("detect", "detect.bank", "model", "state")),
            Map.entry("detect.crossvendor", Set.of("detect", "detect.duplicates", "model", "state")),
            Map.entry("decide", Set.of("config", "detect", "detect.bank", "model")),
            Map.entry("learn", Set.of("detect.duplicates", "state")),
            Map.entry("control", Set.of("config", "decide", "detect", "detect.bank", "detect.duplicates", "learn",
                    "model", "state")),
            Map.entry("functions", Set.of("config", "control", "decide", "detect", "detect.amounts", "detect.bank",
                    "detect.crossvendor", "detect.duplicates", "detect.shared", "model", "state")),
            Map.entry("sources", Set.of("config", "control", "model", "serde", "state")),
            Map.entry("sinks", Set.of("config", "control", "model", "serde", "state")),
            Map.entry("job", Set.of("config", "control", "detect", "functions", "model", "serde", "sinks", "sources",
                    "state")),
            Map.entry("cli", Set.of("config", "control", "decide", "detect", "detect.amounts", "detect.bank",
                    "detect.crossvendor", "detect.duplicates", "detect.shared", "functions", "job", "learn", "model",
                    "serde", "sinks", "sources", "state")),
            Map.entry("", Set.of("cli", "config", "job"))); // Main

    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.invoicesieve\\.((?:[a-z]+\\.)*)[A-Z]");

    @Test
    void everyRoomImportsOnlyWhatItMay() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(MAIN)) {
            sources = files.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(sources).hasSizeGreaterThan(50);
        for (Path file : sources) {
            String room = room(MAIN.relativize(file.getParent()).toString());
            assertThat(ALLOWED).as("room %s of %s is in the table (ARCHITECTURE.md)", room, file).containsKey(room);
            Matcher m = REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                String target = m.group(1).isEmpty() ? "" : m.group(1).substring(0, m.group(1).length() - 1);
                if (!target.equals(room) && !ALLOWED.get(room).contains(target)) {
                    violations.add(file + " (" + room + ") -> " + target);
                }
            }
        }
        assertThat(violations).as("references the rooms' table does not allow").isEmpty();
    }

    @Test
    void theJobNeverReferencesTheTools() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("io.invoicesieve.tools");
            }
        }
    }

    private static String room(String relativeDir) {
        return relativeDir.replace('/', '.');
    }
}
