package io.invoicesieve.bench;

import io.invoicesieve.cli.RocksDbCompression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The benchmark command (not a test): {@code mvn -B -Pbench verify -DskipTests}. Runs the parts named
 * by {@code -Dbench.parts} (default all: pipeline,kafka,latency,state,jmh,sql) and writes
 * {@code benchmarks/results.json} and {@code benchmarks/REPORT.md}. {@code -Dbench.quick=true} is the
 * smoke run (smaller input, fewer and shorter windows); see benchmarks/README.md.
 */
public final class BenchmarkSuite {

    private BenchmarkSuite() {}

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.getBoolean("bench.quick");
        List<String> parts = Arrays.asList(System.getProperty("bench.parts", "pipeline,kafka,latency,state,jmh,sql").split(","));
        int invoices = Integer.getInteger("bench.invoices", quick ? 100_000 : 500_000);
        int days = Integer.getInteger("bench.days", 90);
        int repeats = Integer.getInteger("bench.repeats", 3);
        Path out = Paths.get(System.getProperty("bench.out", "benchmarks"));
        Path work = Paths.get(System.getProperty("bench.work", "target/bench"));
        Files.createDirectories(out);
        Files.createDirectories(work);

        // the local MiniCluster gives task managers 128 MB of managed memory, which starves RocksDB
        // (tiny memtables, write stalls: ~10x slower); production task managers have far more
        if (System.getProperty("bench.flink.taskmanager.memory.managed.size") == null) {
            System.setProperty("bench.flink.taskmanager.memory.managed.size", "1g");
        }
        // RocksDB's compression per level as local and the manifests set it (cli/RocksDbCompression)
        String compression = "bench.flink." + RocksDBConfigurableOptions.COMPRESSION_PER_LEVEL.key();
        if (System.getProperty(compression) == null) {
            System.setProperty(compression, RocksDbCompression.PER_LEVEL_VALUE);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("started", Instant.now().toString());
        run.put("quick", quick);
        run.put("parts", parts);
        run.put("command", System.getProperty("bench.command", "mvn -B -o -Pbench verify -DskipTests"
                + (quick ? " -Dbench.quick=true" : "")));
        run.put("loadAverageBefore", loadAverage());
        Map<String, String> overrides = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("bench."))
                .sorted().forEach(n -> overrides.put(n, System.getProperty(n)));
        run.put("settings", overrides);
        results.put("run", run);
        results.put("machine", machine());
        long t0 = System.nanoTime();

        int tenants = Integer.getInteger("bench.tenants", 10);
        int vendorsPerTenant = Integer.getInteger("bench.vendorsPerTenant", 1000);
        String preset = System.getProperty("bench.preset", "");
        if (!preset.isEmpty() && !preset.equals("ledger-year")) {
            throw new IllegalArgumentException("bench.preset: unknown preset '" + preset + "' (known: ledger-year)");
        }
        boolean ledgerYear = preset.equals("ledger-year");
        if (ledgerYear) {
            days = 365;
        }
        BenchData data = ledgerYear ? BenchData.ledgerYear(work.resolve("data"))
                : BenchData.prepare(work.resolve("data"), invoices, days, tenants, vendorsPerTenant);
        Map<String, Object> ds = new LinkedHashMap<>();
        ds.put("file", data.invoices.toString());
        ds.put("lines", data.lines);
        ds.put("vendors", data.vendors);
        ds.put("days", days);
        ds.put("preset", ledgerYear ? preset : "none");
        ds.put("generator", data.config.toString());
        ds.put("generatorSummary", data.generatorSummary);
        results.put("data", ds);

        if (parts.contains("pipeline")) {
            List<String> backends = Arrays.asList(System.getProperty("bench.backends", "hashmap,rocksdb").split(","));
            List<Integer> ps = Arrays.stream(System.getProperty("bench.parallelism", "1,2").split(","))
                    .map(Integer::valueOf).collect(Collectors.toList());
            // RocksDB runs ~10x slower here (see the report): its own, smaller data set with the same
            // tenants, vendors and 90 days keeps the full run inside its time budget
            int rocksInvoices = Integer.getInteger("bench.rocksdb.invoices", quick ? 20_000 : 60_000);
            BenchData rocksData = ledgerYear || rocksInvoices >= invoices ? data
                    : BenchData.prepare(work.resolve("data"), rocksInvoices, days, tenants, vendorsPerTenant);
            Map<String, Object> pipeline = new LinkedHashMap<>();
            for (String backend : backends) {
                pipeline.putAll(PipelineBenchmark.run(backend.equals("rocksdb") ? rocksData : data, List.of(backend), ps, repeats));
            }
            results.put("pipeline", pipeline);
            if (!Boolean.getBoolean("bench.noProfile")) {
                Map<String, Object> profiles = new LinkedHashMap<>();
                for (String backend : backends) {
                    int p = ps.get(ps.size() - 1);
                    Path jfr = work.resolve("pipeline-" + backend + "-p" + p + ".jfr");
                    BenchData d = backend.equals("rocksdb") ? rocksData : data;
                    Map<String, Object> prof = JfrProfile.record(jfr, () -> PipelineBenchmark.runOnce(d, backend, p));
                    prof.put("run", backend + " p" + p);
                    profiles.put(backend + "-p" + p, prof);
                }
                results.put("profile", profiles);
            }
            save(out, results);
        }
        if (parts.contains("kafka")) {
            List<Integer> rates = Arrays.stream(System.getProperty("bench.kafka.rates", "5000,20000").split(","))
                    .map(Integer::valueOf).collect(Collectors.toList());
            // 100 ms is Flink's default buffer timeout (what the job runs with); 5 ms is the latency setting
            Map<String, Object> kafka = new LinkedHashMap<>();
            for (String timeout : System.getProperty("bench.kafka.bufferTimeouts", "100,5").split(",")) {
                kafka.put("bufferTimeout-" + timeout + "ms", KafkaLatencyBenchmark.run(data, rates, repeats,
                        Integer.getInteger("bench.kafka.seconds", quick ? 5 : 10), quick ? 5 : 10, 2, work,
                        Long.parseLong(timeout)));
            }
            results.put("kafka", kafka);
            save(out, results);
        }
        if (parts.contains("latency")) {
            List<Integer> rates = Arrays.stream(System.getProperty("bench.latency.rates", "5000,20000").split(","))
                    .map(Integer::valueOf).collect(Collectors.toList());
            results.put("latency", EndToEndLatencyBenchmark.run(data, new EndToEndLatencyBenchmark.Settings(rates, repeats,
                    Integer.getInteger("bench.latency.seconds", quick ? 5 : 20), quick ? 5 : 30,
                    Integer.getInteger("bench.latency.rampFrom", 1_000),
                    Double.parseDouble(System.getProperty("bench.latency.rampFactor", "1.5")),
                    Integer.getInteger("bench.latency.rampMax", 200_000), Integer.getInteger("bench.latency.rampRefine", 2),
                    Integer.getInteger("bench.latency.rampSeconds", quick ? 6 : 10), 2), work));
            save(out, results);
        }
        if (parts.contains("state")) {
            Map<String, Object> state = new LinkedHashMap<>();
            for (String backend : System.getProperty("bench.backends", "hashmap,rocksdb").split(",")) {
                state.put(backend, StateBenchmark.run(data, backend, 2, repeats, work));
            }
            results.put("state", state);
            save(out, results);
        }
        if (parts.contains("jmh")) {
            results.put("jmh", jmh(data, quick));
            save(out, results);
        }
        if (parts.contains("sql")) {
            Map<String, Object> sql = SqlBaselineBenchmark.run(data,
                    Integer.getInteger("bench.sql.invoices", quick ? 5_000 : 30_000), repeats, work);
            sql.put("jobOverPeer", Report.jobOverPeer(results, sql));
            results.put("sql", sql);
            save(out, results);
        }
        run.put("loadAverageAfter", loadAverage());
        run.put("finished", Instant.now().toString());
        run.put("wallSeconds", (System.nanoTime() - t0) / 1e9);
        save(out, results);
        Files.writeString(out.resolve("REPORT.md"), Report.render(results), StandardCharsets.UTF_8);
        System.out.println("bench: wrote " + out.resolve("REPORT.md") + " and " + out.resolve("results.json"));
        System.exit(0); // non-daemon threads of services and clients must not keep the JVM alive
    }

    private static Map<String, Object> jmh(BenchData data, boolean quick) throws Exception {
        Options opts = new OptionsBuilder()
                .include(HotPathsBenchmark.class.getName() + "\\." + System.getProperty("bench.jmh.include", ""))
                .param("dataFile", data.invoices.toAbsolutePath().toString())
                .forks(1)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .threads(1)
                .jvmArgs("-Xmx1g")
                .build();
        Collection<RunResult> rr = new Runner(opts).run();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("settings", String.format("forks 1, warmup %d x 1 s, measurement %d x %d s, 1 thread, -Xmx1g, throughput mode",
                quick ? 2 : 3, quick ? 3 : 5, quick ? 1 : 2));
        out.put("findBuckets", HotPathsBenchmark.bucketSizes(data.invoices.toString()));
        for (RunResult r : rr) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.') + 1);
            List<Double> iterations = new ArrayList<>();
            r.getBenchmarkResults().forEach(br -> br.getIterationResults()
                    .forEach(ir -> iterations.add(ir.getPrimaryResult().getScore())));
            Map<String, Object> m = Stats.summary(iterations);
            m.put("score", r.getPrimaryResult().getScore());
            m.put("error", r.getPrimaryResult().getScoreError());
            m.put("unit", r.getPrimaryResult().getScoreUnit());
            out.put(name, m);
        }
        return out;
    }

    private static void save(Path out, Map<String, Object> results) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(out.resolve("results.json").toFile(), results);
    }

    static String loadAverage() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpuModel", procField("/proc/cpuinfo", "model name"));
        m.put("memTotal", procField("/proc/meminfo", "MemTotal"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("--add-opens")).collect(Collectors.toList())));
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("flink", EnvironmentInformation.getVersion());
        return m;
    }

    private static String procField(String file, String key) {
        try {
            for (String line : Files.readAllLines(Paths.get(file))) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }
}
