package io.invoicesieve.bench;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.testing.KafkaService;
import io.invoicesieve.testing.cluster.FlinkCluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjLongConsumer;

/**
 * Part {@code latency}: end-to-end latency as a platform team measures it. Three kinds of process:
 * <ul>
 *   <li>the Kafka broker in a JVM of its own ({@link KafkaService#startProcess});</li>
 *   <li>the job on a standalone Flink cluster ({@link FlinkCluster}, session mode: a JobManager and one
 *       TaskManager JVM), configured with the Flink settings of k8s-operator/invoice-sieve-prod.yaml
 *       ({@link #manifestSettings}: RocksDB, checkpoints every 60 s exactly-once, buffer timeout 10 ms,
 *       the TaskManager's memory), running {@link LatencyJob} (the production job's Kafka path; the
 *       Kafka sinks are exactly-once because the job checkpoints);</li>
 *   <li>this JVM: a paced producer that records the send time of every invoice id, and two consumers
 *       of the decisions topic that record the arrival time: one {@code read_uncommitted} (processing
 *       latency: a decision arrives as soon as the job has written it) and one {@code read_committed}
 *       (what an exactly-once downstream consumer sees: a decision only after the checkpoint that covers
 *       its transaction has completed). Send and arrival times are both this JVM's nanoTime.</li>
 * </ul>
 * Phases on one running job: warm-up; a ramp of offered rates that finds the highest one the job keeps
 * up with ({@link #ramp}); windows at half of it; windows at the fixed rates (5K/s, 20K/s), lowest
 * first, so that a rate above the maximum leaves its backlog to nothing but the higher rates; then a
 * wait until the read_committed consumer has every measured decision. A sample belongs to the window its invoice was sent in, so committed
 * arrivals may come during later windows.
 */
final class EndToEndLatencyBenchmark {

    private EndToEndLatencyBenchmark() {}

    /** The read_uncommitted consumer. */
    private static final int UNCOMMITTED = 0;
    /** The read_committed consumer. */
    private static final int COMMITTED = 1;
    private static final String[] ISOLATION = {"read_uncommitted", "read_committed"};

    /** What one run does; from the suite's {@code bench.latency.*} settings. */
    record Settings(List<Integer> rates, int windows, int windowSeconds, int warmupSeconds,
                    int rampFrom, double rampFactor, int rampMax, int rampRefine, int rampStepSeconds, int parallelism) {}

    static Map<String, Object> run(BenchData data, Settings s, Path work) throws Exception {
        List<String[]> payloads = KafkaLatencyBenchmark.loadPayloads(data);
        Map<String, String> manifest = manifestSettings(Path.of("k8s-operator/invoice-sieve-prod.yaml"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("loadAverageBefore", BenchmarkSuite.loadAverage());
        result.put("manifestSettings", manifest);
        try (KafkaService kafka = KafkaService.startProcess()) {
            String in = "latency-invoices";
            String out = "latency-decisions";
            kafka.createTopic(in, s.parallelism());
            kafka.createTopic(out, s.parallelism());
            kafka.createTopic("latency-dlq", s.parallelism());

            FlinkCluster.Builder builder = FlinkCluster.session("latency").taskManagers(1);
            manifest.forEach(builder::set);
            builder.set("parallelism.default", String.valueOf(s.parallelism()));
            // the collector the JVM picks in the production pods (2 CPUs, 4 GB: a server-class machine),
            // instead of the harness's serial collector
            builder.set("env.java.opts.all", "-XX:+UseG1GC");
            try (FlinkCluster cluster = builder.start()) {
                String jar = cluster.rest().uploadJar(jobJar(work));
                List<String> args = new ArrayList<>();
                Map<String, String> job = new LinkedHashMap<>();
                job.put(ConnectorOptions.KAFKA_BOOTSTRAP_SERVERS.key(), kafka.bootstrapServers());
                job.put(ConnectorOptions.KAFKA_INPUT_TOPIC.key(), in);
                job.put(ConnectorOptions.KAFKA_DECISIONS_TOPIC.key(), out);
                job.put(ConnectorOptions.KAFKA_DEAD_LETTER_TOPIC.key(), "latency-dlq");
                job.put(ConnectorOptions.KAFKA_GROUP_ID.key(), "latency-job");
                job.put(ConnectorOptions.KAFKA_TRANSACTIONAL_ID_PREFIX.key(), "latency-job");
                job.put(ConnectorOptions.KAFKA_STARTING_OFFSETS.key(), "earliest");
                job.forEach((k, v) -> args.addAll(List.of("--" + k, v)));
                String jobId = cluster.rest().runJar(jar, LatencyJob.class.getName(), args,
                        Map.of("parallelism", s.parallelism()));
                cluster.awaitRunning(jobId, Duration.ofSeconds(180));
                result.put("checkpointConfig", cluster.rest().get("jobs/" + jobId + "/checkpoints/config"));

                Tracker tracker = new Tracker();
                List<Consumer> consumers = List.of(
                        new Consumer(kafka.bootstrapServers(), out, s.parallelism(), UNCOMMITTED, tracker),
                        new Consumer(kafka.bootstrapServers(), out, s.parallelism(), COMMITTED, tracker));
                consumers.forEach(c -> {
                    Thread t = new Thread(c, "latency-" + ISOLATION[c.isolation]);
                    t.setDaemon(true);
                    t.start();
                });
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
                    KafkaLatencyBenchmark.Pacer pacer = new KafkaLatencyBenchmark.Pacer(payloads, producer, in);
                    Runnable alive = () -> {
                        String state = cluster.rest().jobState(jobId);
                        if (!"RUNNING".equals(state)) {
                            throw new IllegalStateException("latency job is " + state + ": "
                                    + cluster.rest().exceptions(jobId) + "\n" + cluster.diagnostics());
                        }
                    };
                    // warm-up: JIT, partition assignment, the first transactions; not measured. The ramp
                    // then climbs from a low rate, so its first steps warm the job up further.
                    pacer.send(s.rates().get(0), s.warmupSeconds(), tracker.recorder(-1));
                    tracker.awaitUncommittedLag(0, Duration.ofSeconds(60));
                    alive.run();

                    // the ramp first: a fixed rate above the maximum would leave a backlog for what follows
                    Map<String, Object> ramp = ramp(pacer, tracker, s, alive);
                    result.put("ramp", ramp);
                    List<Phase> phases = new ArrayList<>();
                    int half = (int) (Math.round(Report.num(ramp.get("maxSustainedRate")) / 2 / 100.0) * 100);
                    if (half > 0) {
                        Phase halfPhase = measure(pacer, tracker, half, s, alive);
                        halfPhase.label = "50% of max (" + half + "/s)";
                        phases.add(halfPhase);
                    }
                    for (int rate : s.rates().stream().sorted().toList()) {
                        phases.add(measure(pacer, tracker, rate, s, alive));
                    }

                    // every checkpoint interval commits the decisions sent before it started
                    long interval = cluster.rest().get("jobs/" + jobId + "/checkpoints/config").path("interval").asLong(60_000);
                    long begin = System.nanoTime();
                    boolean all = tracker.awaitCommitted(Duration.ofMillis(2 * interval + 30_000));
                    result.put("committedWaitSeconds", (System.nanoTime() - begin) / 1e9);
                    result.put("committedComplete", all);
                    alive.run();
                    result.put("completedCheckpoints", cluster.rest().completedCheckpoints(jobId));
                    result.put("checkpoints", checkpointSummary(cluster.rest().get("jobs/" + jobId + "/checkpoints")));
                    Map<String, Object> rates = new LinkedHashMap<>();
                    for (Phase p : phases) {
                        rates.put(p.label, p.summary(tracker));
                    }
                    result.put("rates", rates);
                } finally {
                    consumers.forEach(Consumer::stop);
                }
                result.put("cluster", cluster.dir().toString());
            }
        }
        result.put("parallelism", s.parallelism());
        result.put("windowSeconds", s.windowSeconds());
        result.put("windows", s.windows());
        result.put("loadAverageAfter", BenchmarkSuite.loadAverage());
        return result;
    }

    /**
     * The Flink settings of the production FlinkDeployment that apply to a local cluster: every
     * {@code execution.*}, {@code pipeline.*} and {@code state.backend.*} key (not the RocksDB
     * directory, a volume of the pod), the slots and managed memory of a TaskManager, and the pods'
     * memory as process sizes. Left out: S3 checkpoint and HA storage (the cluster's folder instead),
     * Kubernetes and operator keys, the Prometheus reporter, fixed ports, and the restart strategy
     * (the harness fails at once instead, so a failure cannot hide behind restarts).
     */
    static Map<String, String> manifestSettings(Path manifest) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode deployment = null;
        try (var documents = yaml.readerFor(JsonNode.class).<JsonNode>readValues(manifest.toFile())) {
            while (documents.hasNext()) {
                JsonNode d = documents.next();
                if ("FlinkDeployment".equals(d.path("kind").asText())) {
                    deployment = d;
                }
            }
        }
        if (deployment == null) {
            throw new IllegalStateException("no FlinkDeployment in " + manifest);
        }
        Map<String, String> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = deployment.path("spec").path("flinkConfiguration").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = e.getKey();
            boolean applies = key.startsWith("execution.") || key.startsWith("pipeline.")
                    || (key.startsWith("state.backend.") && !key.equals("state.backend.rocksdb.localdir"))
                    || key.equals("taskmanager.numberOfTaskSlots") || key.equals("taskmanager.memory.managed.size");
            if (applies) {
                out.put(key, e.getValue().asText());
            }
        }
        out.put("taskmanager.memory.process.size", deployment.path("spec").path("taskManager").path("resource").path("memory").asText());
        out.put("jobmanager.memory.process.size", deployment.path("spec").path("jobManager").path("resource").path("memory").asText());
        return out;
    }

    /** A copy of the job jar with {@link LatencyJob} added (the cluster loads it as user code). */
    private static Path jobJar(Path work) throws IOException {
        Path jar = work.resolve("latency-job.jar");
        Files.createDirectories(work);
        Files.copy(FlinkCluster.jobJar(), jar, StandardCopyOption.REPLACE_EXISTING);
        String entry = LatencyJob.class.getName().replace('.', '/') + ".class";
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of());
                InputStream in = LatencyJob.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IllegalStateException(entry + " not on the class path");
            }
            Path target = zip.getPath(entry);
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return jar;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * {@code windows} windows at {@code rate}, each followed by a wait (up to 10 s) for its uncommitted
     * decisions. First up to 2 min for the backlog of the phase before to drain to 0.1 s of traffic;
     * what is left of it is recorded ({@code lagAtStart}), since it delays every window.
     */
    private static Phase measure(KafkaLatencyBenchmark.Pacer pacer, Tracker tracker, int rate, Settings s, Runnable alive)
            throws InterruptedException {
        Phase phase = new Phase(rate + "/s", rate);
        tracker.awaitUncommittedLag(rate / 10, Duration.ofMinutes(2));
        phase.lagAtStart = tracker.uncommittedLag();
        for (int w = 0; w < s.windows(); w++) {
            int window = tracker.newWindow();
            phase.windows.add(window);
            phase.achieved.add(pacer.send(rate, s.windowSeconds(), tracker.recorder(window)));
            tracker.awaitUncommitted(window, Duration.ofSeconds(10));
            long[] u = tracker.samples(UNCOMMITTED, window);
            System.out.printf(Locale.ROOT, "bench: latency %d/s window %d (lag at start of the rate %d): sent at %.0f/s, "
                            + "%d uncommitted decisions, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms%n", rate, w,
                    phase.lagAtStart, phase.achieved.get(w), u.length, ms(u, 50), ms(u, 99), ms(u, 99.9), ms(u, 100));
            alive.run();
        }
        return phase;
    }

    /**
     * The highest sustained offered rate: steps from {@code rampFrom}, times {@code rampFactor} each,
     * until one is not sustained (or {@code rampMax} is passed), then {@code rampRefine} bisections
     * between the highest sustained and the lowest failed rate. A step is sustained when the
     * read_uncommitted lag (sent minus arrived), sampled every 250 ms over the step's second half,
     * grows by less than 5 % of the rate (least-squares slope) and the producer achieves at least
     * 97 % of the rate. A backlog left by the previous step may drain during a step; that only lowers
     * the slope when the job is faster than the offered rate, so the criterion holds with it. A rate
     * fails only if two steps in a row at it fail: one stall (a checkpoint's synchronous part, a GC
     * pause, a neighbour's burst on the shared cores) in a short step is not the job falling behind.
     */
    private static Map<String, Object> ramp(KafkaLatencyBenchmark.Pacer pacer, Tracker tracker, Settings s, Runnable alive)
            throws InterruptedException {
        List<Map<String, Object>> steps = new ArrayList<>();
        int sustained = 0;
        int failed = 0;
        String limit = "ramp ceiling " + s.rampMax() + "/s";
        for (double r = s.rampFrom(); r <= s.rampMax(); r *= s.rampFactor()) {
            int rate = (int) (Math.round(r / 100.0) * 100);
            String failure = rampRate(pacer, tracker, rate, s, alive, steps);
            if (failure != null) {
                failed = rate;
                limit = failure;
                break;
            }
            sustained = rate;
        }
        for (int i = 0; i < s.rampRefine() && failed > 0 && failed - sustained > 200; i++) {
            int rate = (int) (Math.round((sustained + failed) / 2 / 100.0) * 100);
            String failure = rampRate(pacer, tracker, rate, s, alive, steps);
            if (failure == null) {
                sustained = rate;
            } else {
                failed = rate;
                limit = failure;
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("steps", steps);
        out.put("stepSeconds", s.rampStepSeconds());
        out.put("maxSustainedRate", sustained);
        out.put("lowestFailedRate", failed);
        out.put("stoppedBy", limit);
        return out;
    }

    /** Up to two steps at {@code rate} (added to {@code steps}); null if one was sustained, else why not. */
    private static String rampRate(KafkaLatencyBenchmark.Pacer pacer, Tracker tracker, int rate, Settings s, Runnable alive,
                                   List<Map<String, Object>> steps) throws InterruptedException {
        String failure = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Map<String, Object> step = rampStep(pacer, tracker, rate, s.rampStepSeconds(), alive);
            steps.add(step);
            if (Boolean.TRUE.equals(step.get("sustained"))) {
                return null;
            }
            failure = (String) step.get("limit");
        }
        return failure;
    }

    /** One ramp step at {@code rate}, after up to 30 s for the previous step's backlog to drain. */
    private static Map<String, Object> rampStep(KafkaLatencyBenchmark.Pacer pacer, Tracker tracker, int rate, int seconds,
                                                Runnable alive) throws InterruptedException {
        tracker.awaitUncommittedLag(rate / 10, Duration.ofSeconds(30));
        long lagAtStart = tracker.uncommittedLag();
        List<double[]> lag = new ArrayList<>();
        Thread sampler = new Thread(() -> {
            long t0 = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                synchronized (lag) {
                    lag.add(new double[] {(System.nanoTime() - t0) / 1e9, tracker.uncommittedLag()});
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "latency-lag-sampler");
        sampler.start();
        double achieved = pacer.send(rate, seconds, tracker.recorder(-1));
        sampler.interrupt();
        sampler.join();
        double slope = slope(lag, seconds / 2.0);
        boolean producerShort = achieved < 0.97 * rate;
        boolean ok = slope < 0.05 * rate && !producerShort;
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("offeredRate", rate);
        step.put("achievedSendRate", achieved);
        step.put("lagAtStart", lagAtStart);
        step.put("lagAtEnd", tracker.uncommittedLag());
        step.put("lagGrowthPerSecond", slope);
        step.put("sustained", ok);
        if (!ok) {
            step.put("limit", producerShort ? "producer fell short at " + rate + "/s" : "job fell behind at " + rate + "/s");
        }
        System.out.printf(Locale.ROOT, "bench: latency ramp %d/s: sent at %.0f/s, lag %d -> %d, grows %.0f/s, %s%n",
                rate, achieved, lagAtStart, tracker.uncommittedLag(), slope, ok ? "sustained" : "NOT sustained");
        alive.run();
        return step;
    }

    /** Least-squares slope of lag over time, for the samples at or after {@code from} seconds. */
    static double slope(List<double[]> samples, double from) {
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        synchronized (samples) {
            for (double[] p : samples) {
                if (p[0] >= from) {
                    n++;
                    sx += p[0];
                    sy += p[1];
                    sxx += p[0] * p[0];
                    sxy += p[0] * p[1];
                }
            }
        }
        double d = n * sxx - sx * sx;
        return n < 2 || d == 0 ? 0 : (n * sxy - sx * sy) / d;
    }

    private static double ms(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : Stats.percentile(sorted, p) / 1e6;
    }

    private static Map<String, Object> checkpointSummary(JsonNode checkpoints) {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonNode duration = checkpoints.path("summary").path("end_to_end_duration");
        out.put("completed", checkpoints.path("counts").path("completed").asLong());
        out.put("failed", checkpoints.path("counts").path("failed").asLong());
        out.put("durationMillisMin", duration.path("min").asLong());
        out.put("durationMillisMedian", duration.path("p50").asDouble());
        out.put("durationMillisMax", duration.path("max").asLong());
        return out;
    }

    /** The windows at one offered rate. */
    private static final class Phase {
        String label;
        final int rate;
        long lagAtStart;
        final List<Integer> windows = new ArrayList<>();
        final List<Double> achieved = new ArrayList<>();

        Phase(String label, int rate) {
            this.label = label;
            this.rate = rate;
        }

        /**
         * Per consumer: p50/p99/p99.9/max per window as median (min - max), the same over all windows
         * pooled, and decisions still missing at the end.
         */
        Map<String, Object> summary(Tracker tracker) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("offeredRate", rate);
            m.put("lagAtStart", lagAtStart);
            m.put("achievedSendRate", Stats.summary(achieved));
            for (int isolation : new int[] {UNCOMMITTED, COMMITTED}) {
                List<Double> p50 = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                List<Double> p999 = new ArrayList<>();
                List<Double> max = new ArrayList<>();
                long missing = 0;
                List<long[]> all = new ArrayList<>();
                for (int w : windows) {
                    long[] sorted = tracker.samples(isolation, w);
                    all.add(sorted);
                    p50.add(ms(sorted, 50));
                    p99.add(ms(sorted, 99));
                    p999.add(ms(sorted, 99.9));
                    max.add(ms(sorted, 100));
                    missing += tracker.sentIn(w) - sorted.length;
                }
                long[] pooled = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("p50Millis", Stats.summary(p50));
                c.put("p99Millis", Stats.summary(p99));
                c.put("p999Millis", Stats.summary(p999));
                c.put("maxMillis", Stats.summary(max));
                c.put("pooled", Map.of("samples", pooled.length, "p50Millis", ms(pooled, 50), "p99Millis", ms(pooled, 99),
                        "p999Millis", ms(pooled, 99.9), "maxMillis", ms(pooled, 100)));
                c.put("missing", missing);
                m.put(ISOLATION[isolation], c);
            }
            return m;
        }
    }

    /**
     * Send times of the invoices not yet seen by both consumers, and latency samples per consumer and
     * window. A window is a numbered send interval; invoices sent outside one (warm-up, ramp) are
     * tracked for the lag but not sampled.
     */
    static final class Tracker {
        private static final class Sent {
            final long nanos;
            final int window;
            final AtomicInteger seen = new AtomicInteger();

            Sent(long nanos, int window) {
                this.nanos = nanos;
                this.window = window;
            }
        }

        private final Map<String, Sent> outstanding = new ConcurrentHashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong[] arrived = {new AtomicLong(), new AtomicLong()};
        private final Map<Integer, AtomicLong> sentPerWindow = new ConcurrentHashMap<>();
        private final List<Map<Integer, Samples>> samples = List.of(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        private int windows;

        int newWindow() {
            int w = windows++;
            sentPerWindow.put(w, new AtomicLong());
            samples.forEach(m -> m.put(w, new Samples()));
            return w;
        }

        /** Records sends into {@code window} (-1: not sampled). */
        ObjLongConsumer<String> recorder(int window) {
            AtomicLong count = window < 0 ? null : sentPerWindow.get(window);
            return (id, nanos) -> {
                outstanding.put(id, new Sent(nanos, window));
                sent.incrementAndGet();
                if (count != null) {
                    count.incrementAndGet();
                }
            };
        }

        void arrived(int isolation, String id, long now) {
            Sent s = outstanding.get(id);
            if (s == null) {
                return;
            }
            int mask = 1 << isolation;
            int before = s.seen.getAndUpdate(b -> b | mask);
            if ((before & mask) != 0) {
                return; // a second copy (redelivery): the first arrival counts
            }
            arrived[isolation].incrementAndGet();
            if (s.window >= 0) {
                samples.get(isolation).get(s.window).add(now - s.nanos);
            }
            if ((before | mask) == 3) {
                outstanding.remove(id);
            }
        }

        long uncommittedLag() {
            return sent.get() - arrived[UNCOMMITTED].get();
        }

        long sentIn(int window) {
            return sentPerWindow.get(window).get();
        }

        long[] samples(int isolation, int window) {
            return samples.get(isolation).get(window).sorted();
        }

        /** Waits until the read_uncommitted lag is at most {@code records}; false on timeout. */
        boolean awaitUncommittedLag(long records, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (uncommittedLag() > records) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        void awaitUncommitted(int window, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (samples.get(UNCOMMITTED).get(window).size() < sentIn(window) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        /** Waits until the read_committed consumer has every invoice of every window; false on timeout. */
        boolean awaitCommitted(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                boolean all = true;
                for (int w = 0; w < windows; w++) {
                    all &= samples.get(COMMITTED).get(w).size() >= sentIn(w);
                }
                if (all) {
                    return true;
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(100);
            }
        }
    }

    /** A growable array of latency samples (nanoseconds). */
    private static final class Samples {
        private long[] values = new long[1 << 16];
        private int n;

        synchronized void add(long v) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n++] = v;
        }

        synchronized int size() {
            return n;
        }

        synchronized long[] sorted() {
            return Stats.sorted(values, n);
        }
    }

    /** Reads the decisions topic from the beginning with one isolation level; reports arrivals. */
    private static final class Consumer implements Runnable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final int isolation;
        private final Tracker tracker;
        private volatile boolean running = true;

        Consumer(String bootstrap, String topic, int partitions, int isolation, Tracker tracker) {
            this.isolation = isolation;
            this.tracker = tracker;
            consumer = KafkaLatencyBenchmark.decisionsConsumer(bootstrap, topic, partitions, ISOLATION[isolation]);
        }

        @Override
        public void run() {
            try {
                while (running) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long now = System.nanoTime();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        if (r.key() != null) {
                            // KafkaSinks keys decisions by tenant_id:invoice_id
                            String key = new String(r.key(), StandardCharsets.UTF_8);
                            tracker.arrived(isolation, key.substring(key.indexOf(':') + 1), now);
                        }
                    }
                }
            } finally {
                consumer.close();
            }
        }

        void stop() {
            running = false;
        }
    }

    /** Markdown of one result of {@link #run}, for REPORT.md. */
    static String render(Map<String, Object> r) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> ramp = Report.map(r.get("ramp"));
        b.append("Broker in its own JVM, job on a standalone Flink cluster (JobManager + 1 TaskManager JVM, parallelism ")
                .append(r.get("parallelism")).append(") with the manifest's Flink settings `").append(r.get("manifestSettings"))
                .append("`, exactly-once Kafka sink; producer and consumers in the benchmark JVM. ")
                .append(r.get("windows")).append(" windows of ").append(r.get("windowSeconds"))
                .append(" s per rate; medians (min - max) over windows. Max sustained rate of the ramp: ")
                .append(ramp.get("maxSustainedRate")).append("/s (stopped: ").append(ramp.get("stoppedBy")).append(").\n\n");
        b.append("| offered rate | consumer | backlog at start | achieved send rate | p50 ms | p99 ms | p99.9 ms | max ms | missing |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Object> e : Report.map(r.get("rates")).entrySet()) {
            Map<String, Object> m = Report.map(e.getValue());
            for (String isolation : ISOLATION) {
                Map<String, Object> c = Report.map(m.get(isolation));
                b.append("| ").append(e.getKey()).append(" | ").append(isolation).append(" | ")
                        .append(m.get("lagAtStart")).append(" | ")
                        .append(Report.mmm(m.get("achievedSendRate"), "%.0f")).append(" | ")
                        .append(Report.mmm(c.get("p50Millis"), "%.1f")).append(" | ")
                        .append(Report.mmm(c.get("p99Millis"), "%.1f")).append(" | ")
                        .append(Report.mmm(c.get("p999Millis"), "%.1f")).append(" | ")
                        .append(Report.mmm(c.get("maxMillis"), "%.1f")).append(" | ")
                        .append(c.get("missing")).append(" |\n");
            }
        }
        b.append("\n");
        return b.toString();
    }
}
