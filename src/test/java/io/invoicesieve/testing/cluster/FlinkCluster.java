package io.invoicesieve.testing.cluster;

import io.invoicesieve.testing.FreePorts;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * A real Flink cluster of separate JVMs for tests: one JobManager and N TaskManagers, each started as
 * {@code java -cp <flink lib>/* ...} the way Flink's bin/ scripts and the Kubernetes operator's image
 * start them, all on 127.0.0.1, with a generated config.yaml, log4j.properties, logs and state under
 * {@code target/flink-clusters/<name>-<time>/}. Two modes:
 * <ul>
 *   <li><b>application</b>: the JobManager runs {@link ApplicationEntryPoint} (what the operator's
 *       FlinkDeployment with {@code jarURI} and {@code args} runs), which runs the job jar's main with
 *       the program arguments inside the JobManager JVM;</li>
 *   <li><b>session</b>: {@code StandaloneSessionClusterEntrypoint}; jobs come through
 *       {@link FlinkRest#uploadJar} and {@link FlinkRest#runJar} ({@code POST /jars/<id>/run}).</li>
 * </ul>
 * TaskManagers are {@code TaskManagerRunner --configDir conf -D ...} with the JVM memory flags and
 * dynamic properties that {@code BashJavaUtils GET_TM_RESOURCE_PARAMS} prints (computed here by the
 * same flink-runtime code, without a JVM of its own); the JobManager likewise gets
 * {@code GET_JM_RESOURCE_PARAMS}.
 *
 * <pre>{@code
 * try (FlinkCluster cluster = FlinkCluster.application("app", FlinkCluster.jobJar(), List.of("run", "--sieve...", "..."))
 *         .taskManagers(1)
 *         .set("execution.savepoint.path", savepoint)      // any Flink option, into config.yaml
 *         .start()) {                                       // returns once REST answers and the TMs registered
 *     String job = cluster.awaitSingleJob(Duration.ofSeconds(60));
 *     cluster.awaitRunning(job, Duration.ofSeconds(90));
 *     cluster.assertJobManagerAlive();
 *     cluster.awaitCheckpoints(job, 2, Duration.ofSeconds(60));
 *     cluster.taskManager(0).kill();                      // kill -9
 *     cluster.startTaskManager();                         // a new one, taskmanager-1
 *     String savepoint = cluster.stopWithSavepoint(job, dir, Duration.ofSeconds(60));
 *     assertThat(x).as(cluster::diagnostics)...           // log tails of every JVM in the failure
 * }
 * try (FlinkCluster session = FlinkCluster.session("session").start()) {
 *     String jar = session.rest().uploadJar(FlinkCluster.jobJar());
 *     String job = session.rest().runJar(jar, null, List.of("run", ...), Map.of());
 * }
 * }</pre>
 *
 * <p><b>lib/</b> is {@code target/flink-lib} ({@code flink.lib.dir}), filled by the pom from
 * src/test/flink-lib/pom.xml: Flink's distribution parts only. The job's classes and connectors come
 * from the job jar in a user-code class loader, so a class missing from the shaded jar fails here as
 * it would on the real cluster. The only test class the JobManager sees is ApplicationEntryPoint,
 * packed alone into {@code entrypoint.jar}.
 *
 * <p><b>Loopback only.</b> Flink 1.20's Prometheus reporter binds the wildcard address (it has no host
 * option), and a JobManager or TaskManager that picks a wrong address would talk off the machine. So
 * {@link Builder#start()} refuses to run unless the JVM's network namespace has nothing but loopback.
 * The failsafe execution {@code flink-cluster-it} runs the whole fork JVM of
 * {@code io/invoicesieve/cluster/**}{@code /*ITCase} in a private user + network namespace
 * (src/test/loopback-netns/bin/java: {@code unshare --user --map-root-user --net}, then
 * {@code ip link set lo up}). Chosen over a long-lived namespace holder with {@code nsenter} per
 * process because (1) the test services run in or from the test JVM (the Kafka broker is in-process),
 * and they must share the cluster's loopback: only a namespace around the JVM gives that; (2) nothing
 * outlives the JVM: there is no holder process or pid file to leak, and every child inherits the
 * namespace without a wrapper per command; (3) the REST client and Kafka/JDBC clients of the test are
 * in it too. Outside it (an IDE run), set {@code -Dflink.cluster.allow-host-network=true} knowingly.
 *
 * <p>Every JVM is killed by a shutdown hook if the test JVM ends first ({@link FlinkProcess}). Each
 * cluster's conf/, log/, checkpoints and savepoints stay under target/ for reading afterwards.
 */
public final class FlinkCluster implements AutoCloseable {

    /** One JSON object a line, every field JSON-escaped; the MDC fields are empty where a line has none. */
    public static final String JSON_LOG_PATTERN = "{\"@timestamp\":\"%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z'}{UTC}\",\"level\":\"%p\","
            + "\"logger\":\"%enc{%c}{JSON}\",\"thread\":\"%enc{%t}{JSON}\",\"tenant_id\":\"%enc{%X{tenant_id}}{JSON}\","
            + "\"invoice_id\":\"%enc{%X{invoice_id}}{JSON}\",\"trace_id\":\"%enc{%X{trace_id}}{JSON}\","
            + "\"message\":\"%enc{%maxLen{%m}{8192}}{JSON}\",\"exception\":\"%enc{%ex}{JSON}\"}%n";

    /** The standard wait between polls. */
    private static final Duration POLL = Duration.ofMillis(250);
    private static final int TAIL_LINES = 60;

    private final String name;
    private final boolean application;
    private final Path dir;
    private final Path conf;
    private final Path logs;
    private final Path lib;
    private final Map<String, String> config;
    private final FlinkRest rest;
    private final FlinkProcess jobManager;
    private final List<FlinkProcess> taskManagers = new CopyOnWriteArrayList<>();

    private FlinkCluster(Builder b, Path dir, Map<String, String> config) {
        this.name = b.name;
        this.application = b.jobJar != null;
        this.dir = dir;
        this.conf = dir.resolve("conf");
        this.logs = dir.resolve("log");
        this.lib = b.lib;
        this.config = config;
        this.rest = new FlinkRest("127.0.0.1:" + config.get("rest.port"), Duration.ofSeconds(60));
        this.jobManager = startJobManager(b);
    }

    /** An application-mode cluster whose JobManager runs {@code jobJar}'s main with {@code programArgs}. */
    public static Builder application(String name, Path jobJar, List<String> programArgs) {
        Builder b = new Builder(name);
        b.jobJar = jobJar.toAbsolutePath();
        b.programArgs = new ArrayList<>(programArgs);
        return b;
    }

    /** A session cluster: submit jobs through {@link #rest()}. */
    public static Builder session(String name) {
        return new Builder(name);
    }

    /** target/invoice-sieve-job.jar ({@code flink.job.jar}), the jar the operator deploys; it must exist. */
    public static Path jobJar() {
        Path jar = Paths.get(System.getProperty("flink.job.jar", "target/invoice-sieve-job.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn package -DskipTests)");
        }
        return jar;
    }

    /** What to start; {@link #start()} starts it. */
    public static final class Builder {
        private final String name;
        private Path jobJar;
        private List<String> programArgs = List.of();
        private int taskManagers = 1;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(120);
        private Path lib = Paths.get(System.getProperty("flink.lib.dir", "target/flink-lib")).toAbsolutePath();

        private Builder(String name) {
            this.name = name;
        }

        public Builder taskManagers(int count) {
            this.taskManagers = count;
            return this;
        }

        /** Any Flink option for config.yaml; overrides the defaults of {@link #defaults}. */
        public Builder set(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Writes the configuration, starts the JobManager and the TaskManagers (at the same time: the
         * TaskManagers retry until the JobManager's RPC answers), and returns once the REST endpoint
         * answers and every TaskManager has registered. On failure everything started is killed and
         * the assertion error carries the logs.
         */
        public FlinkCluster start() {
            requireLoopbackOnly();
            if (!Files.isRegularFile(lib.resolve("flink-runtime-" + org.apache.flink.runtime.util.EnvironmentInformation.getVersion() + ".jar"))) {
                throw new IllegalStateException(lib + " is missing: it is made in pre-integration-test (mvn verify)");
            }
            // The ports come from FreePorts, below the ephemeral range, so only another listener can take
            // one between choosing and binding. Should that still happen, start again on new ports, once.
            try {
                return startOnce();
            } catch (AssertionError e) {
                if (!String.valueOf(e.getMessage()).contains("java.net.BindException")) {
                    throw e;
                }
                System.err.println("FlinkCluster " + name + ": a port was taken before the JobManager bound it;"
                        + " starting again on new ports");
                return startOnce();
            }
        }

        private FlinkCluster startOnce() {
            String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
            Path root = Paths.get(System.getProperty("flink.clusters.dir", "target/flink-clusters")).toAbsolutePath();
            Path dir = root.resolve(name + "-" + stamp);
            Map<String, String> config = defaults(dir, jobJar != null);
            config.putAll(settings);
            writeConf(dir.resolve("conf"), config);
            createDirectories(dir.resolve("log"));
            FlinkCluster cluster = new FlinkCluster(this, dir, config);
            try {
                for (int i = 0; i < taskManagers; i++) {
                    cluster.startTaskManager();
                }
                cluster.await("REST endpoint " + cluster.rest.baseUri(), startTimeout,
                        () -> cluster.rest.answers() ? Boolean.TRUE : null);
                cluster.awaitTaskManagers(taskManagers, startTimeout);
                return cluster;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        }
    }

    /** The configuration every cluster starts from: loopback, free ports, small memory, folders under dir. */
    private static Map<String, String> defaults(Path dir, boolean application) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", String.valueOf(freePort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(freePort()));
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("parallelism.default", "2");
        // Small, for a shared 2-core machine; the job's own tests run with 1-2 GB MiniClusters.
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "1600m");
        c.put("taskmanager.memory.managed.size", "256m");
        c.put("io.tmp.dirs", dir.resolve("tmp").toString());
        c.put("web.tmpdir", dir.resolve("web").toString());
        c.put("state.checkpoints.dir", dir.resolve("checkpoints").toUri().toString());
        c.put("state.savepoints.dir", dir.resolve("savepoints").toUri().toString());
        // A failing job fails the test at once, with its exception, instead of restarting for ever.
        c.put("restart-strategy.type", "none");
        if (application) {
            // What the Kubernetes operator sets for application clusters: the JobManager stays up
            // after the job ends (stop-with-savepoint), so its final state and savepoint can be read.
            c.put("execution.shutdown-on-application-finish", "false");
        }
        return c;
    }

    private static void writeConf(Path conf, Map<String, String> config) {
        createDirectories(conf);
        StringBuilder yaml = new StringBuilder("# written by io.invoicesieve.testing.cluster.FlinkCluster\n");
        config.forEach((k, v) -> yaml.append(k).append(": '").append(v.replace("'", "''")).append("'\n"));
        StringBuilder log4j = new StringBuilder();
        // Flink's conf/log4j.properties, one file per JVM (log.file), with the chattiest clients quieter.
        log4j.append("monitorInterval = 0\n")
                .append("rootLogger.level = INFO\n")
                .append("rootLogger.appenderRef.file.ref = MainAppender\n")
                .append("appender.main.name = MainAppender\n")
                .append("appender.main.type = File\n")
                .append("appender.main.append = true\n")
                .append("appender.main.fileName = ${sys:log.file}\n")
                .append("appender.main.layout.type = PatternLayout\n")
                .append("appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n\n")
                .append("logger.kafka.name = org.apache.kafka\n")
                .append("logger.kafka.level = WARN\n")
                .append("logger.zookeeper.name = org.apache.zookeeper\n")
                .append("logger.zookeeper.level = WARN\n")
                .append("logger.pekko.name = org.apache.pekko\n")
                .append("logger.pekko.level = WARN\n")
                // The job's own loggers also as JSON lines (<log.file>.json): the layout of
                // k8s-operator/*.yaml's logConfiguration plus the MDC fields tenant_id, invoice_id, trace_id.
                .append("logger.sieve.name = io.invoicesieve\n")
                .append("logger.sieve.level = INFO\n")
                .append("logger.sieve.appenderRef.json.ref = JsonAppender\n")
                .append("appender.json.name = JsonAppender\n")
                .append("appender.json.type = File\n")
                .append("appender.json.append = true\n")
                .append("appender.json.fileName = ${sys:log.file}.json\n")
                .append("appender.json.layout.type = PatternLayout\n")
                .append("appender.json.layout.alwaysWriteExceptions = false\n")
                .append("appender.json.layout.pattern = ").append(JSON_LOG_PATTERN).append("\n");
        try {
            Files.writeString(conf.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
            Files.writeString(conf.resolve("log4j.properties"), log4j, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------ processes

    private FlinkProcess startJobManager(Builder b) {
        Configuration c = Configuration.fromMap(config);
        // = BashJavaUtils GET_JM_RESOURCE_PARAMS --configDir conf
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                c, JobManagerOptions.JVM_HEAP_MEMORY);
        List<String> jvm = split(JobManagerProcessUtils.generateJvmParametersStr(spec, c));
        List<String> dynamic = split(JobManagerProcessUtils.generateDynamicConfigsStr(spec));
        List<String> command = javaCommand(jvm, "jobmanager", application ? entryPointJar() : null);
        if (application) {
            command.add(ApplicationEntryPoint.class.getName());
            command.addAll(List.of("--configDir", conf.toString()));
            command.addAll(dynamic);
            command.addAll(List.of("--jarfile", b.jobJar.toString(), "--"));
            command.addAll(b.programArgs);
        } else {
            command.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
            command.addAll(List.of("--configDir", conf.toString(), "--executionMode", "cluster"));
            command.addAll(dynamic);
        }
        return FlinkProcess.start("jobmanager", command, dir, logs);
    }

    /** Starts one more TaskManager ({@code taskmanager-<n>}, resource id {@code tm-<n>}); returns it. */
    public FlinkProcess startTaskManager() {
        int n = taskManagers.size();
        Configuration c = Configuration.fromMap(config);
        // = BashJavaUtils GET_TM_RESOURCE_PARAMS --configDir conf
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(
                TaskExecutorProcessUtils.getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                        c, TaskManagerOptions.TOTAL_FLINK_MEMORY));
        List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
        List<String> command = javaCommand(jvm, "taskmanager-" + n, null);
        command.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.addAll(List.of("--configDir", conf.toString()));
        command.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        command.addAll(List.of("-D", "taskmanager.resource-id=tm-" + n));
        FlinkProcess tm = FlinkProcess.start("taskmanager-" + n, command, dir, logs);
        taskManagers.add(tm);
        return tm;
    }

    private List<String> javaCommand(List<String> memory, String logName, Path extraJar) {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memory);
        command.addAll(split(addOpens()));
        // env.java.opts.all, as Flink's bin/ scripts pass it to every JVM
        List<String> opts = split(config.getOrDefault("env.java.opts.all", ""));
        command.addAll(opts);
        // Fewer GC and JIT threads than the defaults: 2 cores shared by up to five JVMs and the services.
        // A collector chosen in env.java.opts.all wins (the JVM refuses two).
        if (opts.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            command.add("-XX:+UseSerialGC");
        }
        command.addAll(List.of("-XX:CICompilerCount=2", "-XX:-UsePerfData"));
        Path tmp = createDirectories(dir.resolve("tmp"));
        command.add("-Djava.io.tmpdir=" + tmp);
        command.add("-Dlog.file=" + logs.resolve(logName + ".log"));
        command.add("-Dlog4j.configuration=file:" + conf.resolve("log4j.properties"));
        command.add("-Dlog4j.configurationFile=file:" + conf.resolve("log4j.properties"));
        command.add("-cp");
        command.add(lib + "/*" + (extraJar == null ? "" : ":" + extraJar));
        return command;
    }

    /** The --add-opens list Flink needs on Java 17 (pom property flink.add-opens, as env.java.opts.all). */
    private static String addOpens() {
        String fromPom = System.getProperty("flink.add-opens");
        if (fromPom != null && !fromPom.isBlank()) {
            return fromPom;
        }
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens"))
                .collect(Collectors.joining(" "));
    }

    /** entrypoint.jar: ApplicationEntryPoint alone, for the application JobManager's classpath. */
    private Path entryPointJar() {
        Path jar = dir.resolve("entrypoint.jar");
        String resource = ApplicationEntryPoint.class.getName().replace('.', '/') + ".class";
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest);
                InputStream in = ApplicationEntryPoint.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " not on the test classpath");
            }
            out.putNextEntry(new JarEntry(resource));
            in.transferTo(out);
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return jar;
    }

    // ------------------------------------------------------------------------------ accessors

    public String name() {
        return name;
    }

    /** The cluster's classpath folder (Flink's lib/). */
    public Path lib() {
        return lib;
    }

    /** The cluster's folder: conf/, log/, checkpoints/, savepoints/, tmp/. */
    public Path dir() {
        return dir;
    }

    public FlinkRest rest() {
        return rest;
    }

    public FlinkProcess jobManager() {
        return jobManager;
    }

    /** The n-th TaskManager ever started (killed ones keep their index). */
    public FlinkProcess taskManager(int n) {
        return taskManagers.get(n);
    }

    public List<FlinkProcess> taskManagers() {
        return Collections.unmodifiableList(taskManagers);
    }

    /** The effective config.yaml entries. */
    public Map<String, String> config() {
        return Collections.unmodifiableMap(config);
    }

    // ------------------------------------------------------------------------------ waiting

    /**
     * Polls {@code probe} until it returns non-null (exceptions count as "not yet"), and fails with the
     * processes' log tails on timeout or as soon as the JobManager has exited.
     */
    public <T> T await(String what, Duration timeout, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (!jobManager.isAlive()) {
                throw failure("JobManager exited (code " + jobManager.exitCode() + ") while waiting for " + what, last);
            }
            if (System.nanoTime() > deadline) {
                throw failure("timed out after " + timeout.toSeconds() + " s waiting for " + what, last);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private AssertionError failure(String message, Throwable cause) {
        AssertionError error = new AssertionError(message
                + (cause == null ? "" : "\nlast error: " + cause) + "\n" + diagnostics());
        if (cause != null) {
            error.initCause(cause);
        }
        return error;
    }

    /** Waits until {@code count} TaskManagers are registered. */
    public void awaitTaskManagers(int count, Duration timeout) {
        await(count + " registered TaskManager(s)", timeout,
                () -> rest.taskManagerIds().size() >= count ? Boolean.TRUE : null);
    }

    /** Application mode: the id of the job the JobManager submitted, once there is exactly one. */
    public String awaitSingleJob(Duration timeout) {
        return await("a job on the cluster", timeout, () -> {
            Map<String, String> jobs = rest.jobs();
            return jobs.size() == 1 ? jobs.keySet().iterator().next() : null;
        });
    }

    /** Waits until the job and all its vertices are RUNNING; fails at once if the job fails or ends. */
    public void awaitRunning(String jobId, Duration timeout) {
        await("job " + jobId + " RUNNING", timeout, () -> {
            String state = rest.jobState(jobId);
            if (List.of("FAILED", "CANCELED", "FINISHED", "SUSPENDED").contains(state)) {
                throw new AssertionError("job " + jobId + " is " + state + ": " + rest.exceptions(jobId) + "\n" + diagnostics());
            }
            return "RUNNING".equals(state) ? state : null;
        });
    }

    /** Waits until the job has completed at least {@code count} checkpoints in total. */
    public long awaitCheckpoints(String jobId, long count, Duration timeout) {
        return await(count + " completed checkpoints of " + jobId, timeout, () -> {
            long completed = rest.completedCheckpoints(jobId);
            return completed >= count ? completed : null;
        });
    }

    /** Stop-with-savepoint into {@code targetDirectory}; returns the savepoint's location. */
    public String stopWithSavepoint(String jobId, Path targetDirectory, Duration timeout) {
        String trigger = rest.triggerStopWithSavepoint(jobId, targetDirectory);
        String location = await("savepoint of " + jobId, timeout, () -> rest.savepointLocation(jobId, trigger));
        await("job " + jobId + " FINISHED after stop", timeout,
                () -> "FINISHED".equals(rest.jobState(jobId)) ? Boolean.TRUE : null);
        return location;
    }

    /** Fails, with the logs, unless the JobManager process is alive and its REST endpoint answers. */
    public void assertJobManagerAlive() {
        if (!jobManager.isAlive()) {
            throw failure("JobManager is dead (exit code " + jobManager.exitCode() + ")", null);
        }
        try {
            rest.get("config");
        } catch (RuntimeException e) {
            throw failure("JobManager process is alive but its REST endpoint does not answer", e);
        }
    }

    /** Every process with the tail of its log and console, and the jobs if REST answers: for failures. */
    public String diagnostics() {
        StringBuilder s = new StringBuilder("==== Flink cluster ").append(name).append(" in ").append(dir).append('\n');
        if (jobManager.isAlive()) {
            try {
                String jobs = rest.jobs().toString();
                s.append("jobs: ").append(jobs).append('\n');
            } catch (RuntimeException e) {
                s.append("jobs: (").append(e.getMessage()).append(")\n");
            }
        }
        s.append(jobManager.tail(TAIL_LINES));
        taskManagers.forEach(tm -> s.append(tm.tail(TAIL_LINES / 2)));
        return s.toString();
    }

    /**
     * Kills every process of the cluster (kill -9: a test cluster keeps nothing), then deletes tmp/ and
     * web/ (blobs, the RPC jar, uploaded jars: about 140 MB a cluster); conf/, log/, checkpoints and
     * savepoints stay for reading afterwards.
     */
    @Override
    public void close() {
        taskManagers.forEach(FlinkProcess::kill);
        jobManager.kill();
        deleteRecursively(dir.resolve("tmp"));
        deleteRecursively(dir.resolve("web"));
    }

    // ------------------------------------------------------------------------------ helpers

    /**
     * Fails unless every network interface of this JVM's namespace is loopback (or
     * {@code flink.cluster.allow-host-network=true}); see the class comment.
     */
    static void requireLoopbackOnly() {
        if (Boolean.getBoolean("flink.cluster.allow-host-network")) {
            return;
        }
        List<String> others;
        try {
            others = NetworkInterface.networkInterfaces()
                    .filter(i -> {
                        try {
                            return !i.isLoopback();
                        } catch (SocketException e) {
                            return true;
                        }
                    })
                    .map(NetworkInterface::getName)
                    .collect(Collectors.toList());
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        if (!others.isEmpty()) {
            throw new IllegalStateException("FlinkCluster runs only in a network namespace with nothing but loopback,"
                    + " but this JVM sees " + others + ". Run it through the failsafe execution flink-cluster-it"
                    + " (src/test/loopback-netns/bin/java), or pass -Dflink.cluster.allow-host-network=true knowingly.");
        }
    }

    static int freePort() {
        return FreePorts.next();
    }

    private static List<String> split(String args) {
        return Arrays.stream(args.trim().split("\\s+")).filter(a -> !a.isEmpty()).collect(Collectors.toList());
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // Best effort: leftovers under target/ only cost disk space.
        }
    }

    private static Path createDirectories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
