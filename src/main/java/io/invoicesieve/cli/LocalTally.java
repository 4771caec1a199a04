package io.invoicesieve.cli;

import io.invoicesieve.functions.RouteDeadLetters;
import io.invoicesieve.sinks.SinkGuard;
import io.invoicesieve.sources.JsonLines;

import org.apache.flink.api.common.JobExecutionResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Where every input line of a {@code local} run went: {@code lines = decisions + dead letters +
 * replays + blank}. The input's lines are counted again here, split as the source splits them
 * ({@link JsonLines}); the decisions are those the job let through to its sinks ({@code SinkGuard}'s
 * accumulators), the dead letters the lines of {@code dlq.jsonl}, the replays from the job's
 * accumulators too (invoices parsed, less the decisions, less the decisions a sink would have
 * refused): so the equation is a check, and a line the job lost before its sinks shows up as
 * {@code unaccounted}.
 */
public final class LocalTally {

    public final long lines;
    public final long blank;
    public final long decisions;
    public final long deadLetters;
    public final long replays;
    public final long late;

    LocalTally(long lines, long blank, long decisions, long deadLetters, long replays, long late) {
        this.lines = lines;
        this.blank = blank;
        this.decisions = decisions;
        this.deadLetters = deadLetters;
        this.replays = replays;
        this.late = late;
    }

    /** Counts {@code input} (a file, or the files of a folder tree, as the FileSource reads them). */
    public static LocalTally of(JobExecutionResult result, Path input, long decisions, long deadLetters, long late)
            throws IOException {
        long lines = 0;
        long blank = 0;
        for (Path file : files(input)) {
            try (InputStream in = Files.newInputStream(file); JsonLines split = new JsonLines(in)) {
                while (split.next()) {
                    lines++;
                    if (split.isBlank()) {
                        blank++;
                    }
                }
            }
        }
        long parsed = counter(result, RouteDeadLetters.INVOICES_PARSED);
        long refused = counter(result, SinkGuard.REFUSED);
        return new LocalTally(lines, blank, decisions, deadLetters, parsed - decisions - refused, late);
    }

    private static long counter(JobExecutionResult result, String name) {
        Object value = result == null ? null : result.getAccumulatorResult(name);
        return value instanceof Number ? ((Number) value).longValue() : 0;
    }

    /** The FileSource skips hidden files (names starting with '.' or '_'); so does the count. */
    private static List<Path> files(Path input) throws IOException {
        if (Files.isRegularFile(input)) {
            return List.of(input);
        }
        try (Stream<Path> walk = Files.walk(input)) {
            return walk.filter(Files::isRegularFile)
                    .filter(f -> {
                        for (Path part : input.relativize(f)) {
                            String name = part.toString();
                            if (name.startsWith(".") || name.startsWith("_")) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Lines that are in none of the four: 0 unless the job lost or invented records. */
    public long unaccounted() {
        return lines - decisions - deadLetters - replays - blank;
    }

    /** The summary's accounting line. */
    public String format() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "  input lines %d = %d decisions + %d dead letters + %d replays suppressed + %d blank lines skipped;"
                        + " %d late events (decided, LATE_EVENT)%n",
                lines, decisions, deadLetters, replays, blank, late));
        if (unaccounted() != 0) {
            b.append(String.format(Locale.ROOT, "  WARNING: %d input lines unaccounted for%n", unaccounted()));
        }
        return b.toString();
    }
}
