package io.invoicesieve.cli;

import io.invoicesieve.Main;
import io.invoicesieve.job.JobVersion;
import io.invoicesieve.tools.ToolsMain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The command line of both jars: every command's --help, exit codes, typo suggestions, and the
 * misconfigurations that must fail at start in one line naming the setting (exit 2), never after a
 * job ran.
 */
class CliTest {

    private static final Path SAMPLE = Path.of("samples/invoices.jsonl");

    /** What one command line printed and returned. */
    static final class Run {
        final int code;
        final String out;
        final String err;
        final long millis;

        Run(int code, String out, String err, long millis) {
            this.code = code;
            this.out = out;
            this.err = err;
            this.millis = millis;
        }

        /** A usage or configuration error: exit 2, in seconds, one line on stderr naming {@code what}. */
        Run isUsageError(String... what) {
            assertThat(code).as(err + out).isEqualTo(2);
            assertThat(millis).as("failed within seconds").isLessThan(5_000);
            assertThat(err.strip()).as("one line").doesNotContain("\n").contains(what);
            assertThat(err).doesNotContain("Exception", "\tat ");
            return this;
        }
    }

    /** The runnable jar's command line (job commands and tools). */
    static Run run(String... args) {
        return execute(ToolsMain.tools(), args);
    }

    /** The job jar's command line (Main alone). */
    static Run runJobJar(String... args) {
        return execute(new Object[0], args);
    }

    private static Run execute(Object[] tools, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), tools).exitCode;
        return new Run(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000);
    }

    static Stream<Arguments> commands() {
        return Stream.of(
                Arguments.of("local", List.of("--input", "--output", "--parallelism", "--config", "--<setting>")),
                Arguments.of("run", List.of("--local-cluster", "--config", "--<setting>")),
                Arguments.of("init", List.of("--config", "--<setting>")),
                Arguments.of("bootstrap", List.of("--input", "--output", "--state-backend", "--parallelism", "--config")),
                Arguments.of("inspect", List.of("--savepoint", "--state-backend")),
                Arguments.of("options", List.of("--help", "--version")),
                Arguments.of("generate", List.of("--out", "--invoices", "--tenants", "--seed", "--malformed-rate")),
                Arguments.of("accuracy", List.of("--data", "--report", "--work", "--diagnose", "--invoices", "--config")));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandAnswersHelp(String command, List<String> options) {
        for (String help : new String[] {"--help", "-h"}) {
            Run r = run(command, help);
            assertThat(r.code).as(r.err).isZero();
            assertThat(r.out).contains("Usage: invoice-sieve " + command).contains(options).contains("Exit codes:");
            assertThat(r.err).isEmpty();
        }
        Run r = run("help", command);
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Usage: invoice-sieve " + command);
    }

    @Test
    void versionIsTheJobVersion() {
        for (String[] args : new String[][] {{"--version"}, {"local", "--version"}, {"generate", "-V"}}) {
            Run r = run(args);
            assertThat(r.code).isZero();
            assertThat(r.out.strip()).isEqualTo("invoice-sieve " + JobVersion.get());
        }
    }

    @Test
    void noCommandPrintsTheUsageAndExits2() {
        Run r = run();
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("Usage: invoice-sieve", "local", "generate");
    }

    @Test
    void typoedCommandGetsASuggestion() {
        run("locl").isUsageError("Unknown command 'locl'", "did you mean 'local'?");
        run("generat", "--out", "x").isUsageError("Unknown command 'generat'", "did you mean 'generate'?");
    }

    @Test
    void unknownOptionNamesItAndSuggestsTheNearest(@TempDir Path dir) {
        run("local", "--input", SAMPLE.toString(), "--output", dir.toString(), "--colour", "red")
                .isUsageError("Unknown option '--colour'");
        // before the missing required options: the misspelled one is the missing one
        run("local", "--inptu", SAMPLE.toString(), "--output", dir.toString())
                .isUsageError("Unknown option '--inptu'", "did you mean '--input'?");
        run("inspect", "--savepoint", dir.toString(), "--colour", "red").isUsageError("'--colour'");
        run("generate", "--out", dir.toString(), "--invoicse", "10").isUsageError("'--invoicse'", "--invoices");
        run("local", "--input", SAMPLE.toString()).isUsageError("Missing required option", "--output");
        run("bootstrap", "--input", SAMPLE.toString(), "--output", dir.toString(), "--state-backend", "leveldb")
                .isUsageError("--state-backend", "hashmap, rocksdb");
    }

    @Test
    void badSettingValueNamesTheSetting(@TempDir Path dir) throws Exception {
        local(dir, "--sieve.duplicates.lookback", "ninety days").isUsageError("sieve.duplicates.lookback");
        local(dir, "--sieve.duplicates.lookback=ninety").isUsageError("sieve.duplicates.lookback");
        local(dir, "--sieve.duplicate.lookback", "90 d")
                .isUsageError("Unknown setting 'sieve.duplicate.lookback'", "did you mean 'sieve.duplicates.lookback'?");
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "sieve.amount.min-history=1\n");
        local(dir, "--config", file.toString()).isUsageError("sieve.amount.min-history");
        local(dir, "--config", dir.resolve("missing.properties").toString()).isUsageError("missing.properties");
        run("init", "--sieve.kafka.bootstrap-servers").isUsageError("Missing value", "sieve.kafka.bootstrap-servers");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void reversedGlobalThresholdsNameTheSettingTheUserSet(@TempDir Path dir) {
        Run review = local(dir, "--sieve.decision.review-threshold", "0.9")
                .isUsageError("Setting 'sieve.decision.review-threshold'", "REVIEW threshold 0.9 is above the HOLD threshold 0.8");
        assertThat(review.err).doesNotContain("tenant-thresholds");
        Run hold = local(dir, "--sieve.decision.hold-threshold", "0.3")
                .isUsageError("Setting 'sieve.decision.hold-threshold'", "HOLD threshold 0.3 is below the REVIEW threshold 0.5");
        assertThat(hold.err).doesNotContain("tenant-thresholds");
        local(dir, "--sieve.decision.review-threshold", "0.9", "--sieve.decision.hold-threshold", "0.6")
                .isUsageError("'sieve.decision.review-threshold' and 'sieve.decision.hold-threshold'");
        local(dir, "--sieve.decision.review-threshold", "0").isUsageError("'sieve.decision.review-threshold' must be within (0, 1]");
        local(dir, "--sieve.decision.tenant-thresholds", "acme:0.9:0.5")
                .isUsageError("sieve.decision.tenant-thresholds", "acme");
    }

    @Test
    void outputThatIsAFileOrCannotBeCreatedFailsBeforeTheJob(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");
        run("local", "--input", SAMPLE.toString(), "--output", file.toString())
                .isUsageError("--output " + file + " is a file, not a directory");
        run("local", "--input", SAMPLE.toString(), "--output", file.resolve("sub").toString())
                .isUsageError("--output " + file.resolve("sub") + " cannot be created", "is a file");
        Files.createDirectories(dir.resolve("out/decisions.jsonl"));
        run("local", "--input", SAMPLE.toString(), "--output", dir.resolve("out").toString())
                .isUsageError("--output", "decisions.jsonl is a directory");
        run("bootstrap", "--input", SAMPLE.toString(), "--output", file.toString()).isUsageError("--output", "is a file");
    }

    @Test
    void outputThatIsNotWritableFailsBeforeTheJob(@TempDir Path dir) throws Exception {
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assumeFalse(Files.isWritable(locked), "running as root: every directory is writable");
            run("local", "--input", SAMPLE.toString(), "--output", locked.toString())
                    .isUsageError("--output " + locked + " is not writable");
            run("local", "--input", SAMPLE.toString(), "--output", locked.resolve("sub").toString())
                    .isUsageError("--output", "cannot be created", "not writable");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void inputMissingOrUnreadableFailsBeforeTheJob(@TempDir Path dir) throws Exception {
        run("local", "--input", dir.resolve("nope.jsonl").toString(), "--output", dir.resolve("out").toString())
                .isUsageError("--input " + dir.resolve("nope.jsonl") + " does not exist");
        run("bootstrap", "--input", dir.resolve("nope.jsonl").toString(), "--output", dir.resolve("sp").toString())
                .isUsageError("--input", "does not exist");
        Path secret = Files.writeString(dir.resolve("secret.jsonl"), "{}\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(secret), "running as root: every file is readable");
        run("local", "--input", secret.toString(), "--output", dir.resolve("out").toString())
                .isUsageError("--input " + secret + " is not readable");
    }

    @Test
    void parallelismMustBePositive(@TempDir Path dir) {
        for (String p : new String[] {"0", "-1"}) {
            local(dir, "--parallelism", p).isUsageError("--parallelism must be at least 1, was " + p);
        }
        local(dir, "--parallelism", "two").isUsageError("--parallelism", "'two'");
        run("bootstrap", "--input", SAMPLE.toString(), "--output", dir.resolve("sp").toString(), "--parallelism", "0")
                .isUsageError("--parallelism must be at least 1");
    }

    @Test
    void flinkKeysAndValuesAreCheckedAgainstFlinksOptions(@TempDir Path dir) {
        local(dir, "--state.backend.typo", "rocksdb")
                .isUsageError("Unknown setting 'state.backend.typo'", "did you mean 'state.backend.type'?");
        local(dir, "--execution.checkpointing.interval", "often")
                .isUsageError("'execution.checkpointing.interval'", "'often'", "expected a duration");
        local(dir, "--taskmanager.memory.process.size", "lots")
                .isUsageError("'taskmanager.memory.process.size'", "expected a memory size");
        local(dir, "--execution.checkpointing.mode", "SOMETIMES")
                .isUsageError("'execution.checkpointing.mode'", "one of [EXACTLY_ONCE, AT_LEAST_ONCE]");
        local(dir, "--parallelism.default", "x").isUsageError("'parallelism.default'", "expected an integer");
        run("run", "--pipeline.object-reuse", "maybe").isUsageError("'pipeline.object-reuse'", "true or false");
    }

    @Test
    void runOutsideAClusterIsRefused() {
        Run r = run("run").isUsageError("no Flink cluster", "flink run", "application mode", "--local-cluster");
        assertThat(r.out).isEmpty();
        // a bad setting is still named first
        run("run", "--sieve.kafka.input-topic").isUsageError("sieve.kafka.input-topic");
    }

    @Test
    void theJobJarHasNoToolsAndTheRunnableJarHasThem() throws Exception {
        assertThat(Main.commands()).contains("local", "run", "init", "bootstrap", "inspect", "options")
                .doesNotContain("generate", "accuracy");
        assertThat(Main.commands(ToolsMain.tools())).contains("local", "run", "generate", "accuracy");
        runJobJar("generate", "--out", "x").isUsageError("Unknown command 'generate'");
        // and no class of the job references the tools' package (the cluster jar must load without them)
        for (Class<?> c : List.of(Main.class, Cli.class, SettingsCommand.class, LocalCommand.class, RunCommand.class,
                InitCommand.class, BootstrapCommand.class, InspectCommand.class, OptionsCommand.class)) {
            try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1))
                        .as(c.getName()).doesNotContain("io/invoicesieve/tools");
            }
        }
    }

    @Test
    void optionsPrintsTheTable() {
        Run r = run("options");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("| setting |").contains("`sieve.duplicates.lookback`");
    }

    private static Run local(Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("local", "--input", SAMPLE.toString(), "--output",
                dir.resolve("out").toString()));
        args.addAll(List.of(extra));
        return run(args.toArray(new String[0]));
    }
}
