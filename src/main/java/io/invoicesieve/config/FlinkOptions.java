package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.FallbackKey;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Flink's own settings, as Flink declares them: every {@link ConfigOption} in Flink's options classes
 * (read once, by reflection over their static fields), so that a misspelled Flink key or a value that
 * does not parse for its option's type fails at start, naming the key, instead of being ignored or
 * failing inside the job.
 *
 * <p>Keys below {@link #DYNAMIC_PREFIXES} are accepted unchecked: their names are open-ended (a
 * metrics reporter's own settings, file system plugins) or their options live in modules that are
 * not on the job's classpath (Kubernetes, YARN, Table API, Python).
 */
public final class FlinkOptions {

    /** The classes that declare Flink's options: flink-core, -runtime, -streaming-java, -clients, RocksDB. */
    private static final List<String> OPTION_CLASSES = List.of(
            "org.apache.flink.configuration.AkkaOptions",
            "org.apache.flink.configuration.AlgorithmOptions",
            "org.apache.flink.configuration.BatchExecutionOptions",
            "org.apache.flink.configuration.BlobServerOptions",
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.CleanupOptions",
            "org.apache.flink.configuration.ClusterOptions",
            "org.apache.flink.configuration.ConfigConstants",
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.DeploymentOptions",
            "org.apache.flink.configuration.DeploymentOptionsInternal",
            "org.apache.flink.configuration.ExecutionOptions",
            "org.apache.flink.configuration.ExternalResourceOptions",
            "org.apache.flink.configuration.HeartbeatManagerOptions",
            "org.apache.flink.configuration.HighAvailabilityOptions",
            "org.apache.flink.configuration.HistoryServerOptions",
            "org.apache.flink.configuration.JMXServerOptions",
            "org.apache.flink.configuration.JobEventStoreOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
            "org.apache.flink.configuration.OptimizerOptions",
            "org.apache.flink.configuration.PipelineOptions",
            "org.apache.flink.configuration.PipelineOptionsInternal",
            "org.apache.flink.configuration.QueryableStateOptions",
            "org.apache.flink.configuration.ResourceManagerOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.RpcOptions",
            "org.apache.flink.configuration.SecurityOptions",
            "org.apache.flink.configuration.SinkOptions",
            "org.apache.flink.configuration.SlowTaskDetectorOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateChangelogOptions",
            "org.apache.flink.configuration.StateLatencyTrackOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.TaskManagerOptionsInternal",
            "org.apache.flink.configuration.TraceOptions",
            "org.apache.flink.configuration.WebOptions",
            "org.apache.flink.runtime.highavailability.JobResultStoreOptions",
            "org.apache.flink.runtime.jobgraph.SavepointConfigOptions",
            "org.apache.flink.runtime.shuffle.ShuffleServiceOptions",
            "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
            "org.apache.flink.streaming.api.environment.StreamPipelineOptions",
            "org.apache.flink.client.cli.ArtifactFetchOptions",
            "org.apache.flink.client.cli.ClientOptions",
            "org.apache.flink.client.deployment.application.ApplicationConfiguration",
            "org.apache.flink.contrib.streaming.state.RocksDBOptions",
            "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions",
            "org.apache.flink.contrib.streaming.state.RocksDBNativeMetricOptions",
            "org.apache.flink.contrib.streaming.state.sstmerge.RocksDBManualCompactionOptions");

    /**
     * Key prefixes accepted without a declared option: open-ended names, or options of modules that are
     * not on the job's classpath. Documented in README.md ("Commands of the jar").
     */
    public static final List<String> DYNAMIC_PREFIXES = List.of(
            "metrics.reporter.", "traces.reporter.", "events.reporter.",
            "env.",
            "kubernetes.", "high-availability.", "yarn.",
            "table.", "python.",
            "fs.", "s3.", "s3a.", "gs.",
            "security.delegation.token.provider.",
            "external-resource.",
            "state.changelog.dstl.", "state.backend.forst.",
            "$internal.");

    /** A declared option and the type its field declares (for the message when a value does not parse). */
    private static final class Declared {
        final ConfigOption<?> option;
        final Type type;

        Declared(ConfigOption<?> option, Type type) {
            this.option = option;
            this.type = type;
        }
    }

    private static final class Holder {
        static final Map<String, Declared> KNOWN = load();
    }

    private FlinkOptions() {}

    /** Every key Flink declares, fallback and deprecated keys included. */
    public static Collection<String> keys() {
        return Collections.unmodifiableSet(Holder.KNOWN.keySet());
    }

    public static boolean isKnown(String key) {
        if (Holder.KNOWN.containsKey(key)) {
            return true;
        }
        for (String prefix : DYNAMIC_PREFIXES) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** Fails naming the key and the expected type when {@code value} does not parse for its option. */
    public static void checkValue(String key, String value) {
        Declared declared = Holder.KNOWN.get(key);
        if (declared == null) {
            return;
        }
        Configuration conf = new Configuration();
        conf.setString(key, value);
        try {
            conf.get(declared.option);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Invalid value '" + value + "' for Flink setting '" + key + "': expected " + describe(declared.type));
        }
    }

    private static Map<String, Declared> load() {
        Map<String, Declared> known = new LinkedHashMap<>();
        ClassLoader loader = FlinkOptions.class.getClassLoader();
        for (String name : OPTION_CLASSES) {
            Class<?> c;
            try {
                c = Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // a module not on this classpath: its keys are unknown here
            }
            for (Field field : c.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers()) || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    field.setAccessible(true);
                    option = (ConfigOption<?>) field.get(null);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    continue;
                }
                if (option == null) {
                    continue;
                }
                Type type = field.getGenericType() instanceof ParameterizedType
                        ? ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0]
                        : Object.class;
                Declared declared = new Declared(option, type);
                known.putIfAbsent(option.key(), declared);
                for (FallbackKey fallback : option.fallbackKeys()) {
                    known.putIfAbsent(fallback.getKey(), declared);
                }
            }
        }
        return known;
    }

    static String describe(Type type) {
        if (type instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) type;
            Type raw = p.getRawType();
            if (raw == List.class) {
                return "a list of " + plural(p.getActualTypeArguments()[0]) + " separated by ';'";
            }
            if (raw == Map.class) {
                return "a map (key1:value1,key2:value2)";
            }
            return p.getTypeName();
        }
        if (!(type instanceof Class)) {
            return type.getTypeName();
        }
        Class<?> c = (Class<?>) type;
        if (c.isEnum()) {
            return "one of " + Arrays.toString(c.getEnumConstants());
        }
        if (c == Integer.class || c == Long.class) {
            return "an integer";
        }
        if (c == Double.class || c == Float.class) {
            return "a number";
        }
        if (c == Boolean.class) {
            return "true or false";
        }
        if (c == java.time.Duration.class) {
            return "a duration (e.g. 500 ms, 30 s, 5 min, 1 h)";
        }
        if (c == org.apache.flink.configuration.MemorySize.class) {
            return "a memory size (e.g. 512 mb, 2 gb)";
        }
        return "a " + c.getSimpleName();
    }

    private static String plural(Type type) {
        String single = describe(type);
        return single.startsWith("a ") ? single.substring(2) + "s" : single.startsWith("an ") ? single.substring(3) + "s" : single;
    }
}
