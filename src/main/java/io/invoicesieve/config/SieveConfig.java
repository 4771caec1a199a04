package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated settings of one run: read from a properties file and {@code --key value} arguments,
 * checked once at start so that a bad value fails before the job is submitted, naming the setting.
 *
 * <p>Keys under {@code sieve.} must be declared in {@link SieveOptions}; other keys are Flink's own
 * (state.backend.type, parallelism.default, ...): they must be declared by Flink or fall below one of
 * {@link FlinkOptions#DYNAMIC_PREFIXES}, their values must parse for the option's type, and they are
 * handed to Flink unchanged.
 */
public final class SieveConfig implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Configuration configuration;

    private SieveConfig(Configuration configuration) {
        this.configuration = configuration;
        validate();
    }

    public static SieveConfig defaults() {
        return new SieveConfig(new Configuration());
    }

    public static SieveConfig of(Map<String, String> settings) {
        Configuration conf = new Configuration();
        Set<String> known = knownKeys();
        settings.forEach(
                (key, value) -> {
                    checkKnown(key, known);
                    conf.setString(key, value);
                });
        return new SieveConfig(conf);
    }

    /**
     * Reads {@code --config <file.properties>} first, then every other {@code --key value} pair,
     * which wins over the file. Arguments not naming a setting are returned in {@code rest}.
     */
    public static SieveConfig fromArgs(String[] args, Map<String, String> rest) {
        Map<String, String> settings = new LinkedHashMap<>();
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("Missing value for '--" + key + "'");
                }
                value = args[++i];
            }
            flags.put(key, value);
        }
        String file = flags.remove("config");
        if (file != null) {
            settings.putAll(readProperties(Path.of(file)));
        }
        Set<String> known = knownKeys();
        for (Map.Entry<String, String> flag : flags.entrySet()) {
            if (flag.getKey().contains(".")) {
                settings.put(flag.getKey(), flag.getValue());
            } else {
                rest.put(flag.getKey(), flag.getValue());
            }
        }
        settings.keySet().forEach(key -> checkKnown(key, known));
        Configuration conf = new Configuration();
        settings.forEach(conf::setString);
        return new SieveConfig(conf);
    }

    private static Map<String, String> readProperties(Path path) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read configuration file " + path + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name).trim());
        }
        return map;
    }

    private static Set<String> knownKeys() {
        return SieveOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
    }

    private static void checkKnown(String key, Set<String> known) {
        if (known.contains(key)) {
            return;
        }
        for (String prefix : ConnectorOptions.PREFIX_MAPS) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return; // client settings passed through (security.protocol, ssl.*, sslmode, ...)
            }
        }
        if (key.startsWith("sieve.")) {
            throw new IllegalArgumentException(
                    "Unknown setting '" + key + "'" + Suggest.didYouMean(key, known)
                            + " (see `java -jar invoice-sieve.jar options`)");
        }
        if (FlinkOptions.isKnown(key)) {
            return;
        }
        throw new IllegalArgumentException(
                "Unknown setting '" + key + "': neither an invoice-sieve option nor a Flink option"
                        + Suggest.didYouMean(key, FlinkOptions.keys()));
    }

    /** Reads a typed option; a value that does not parse fails naming the setting. */
    public <T> T get(ConfigOption<T> option) {
        try {
            return configuration.get(option);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid value '" + configuration.toMap().get(option.key()) + "' for setting '"
                            + option.key() + "': " + rootMessage(e),
                    e);
        }
    }

    public long millis(ConfigOption<Duration> option) {
        return get(option).toMillis();
    }

    /** The Flink configuration: Flink's own keys plus ours (harmless to Flink). */
    public Configuration flinkConfiguration() {
        return new Configuration(configuration);
    }

    private void validate() {
        configuration.toMap().forEach((key, value) -> {
            if (!key.startsWith("sieve.")) {
                FlinkOptions.checkValue(key, value);
            }
        });
        for (ConfigOption<?> option : SieveOptions.all()) {
            get(option);
        }
        requirePositive(SieveOptions.WATERMARK_OUT_OF_ORDERNESS, true);
        requirePositive(SieveOptions.WATERMARK_IDLENESS, false);
        requirePositive(SieveOptions.DUPLICATE_LOOKBACK, false);
        requirePositive(SieveOptions.AMOUNT_WINDOW, false);
        requirePositive(SieveOptions.BANK_RETENTION, false);
        requirePositive(SieveOptions.REPLAY_RETENTION, false);
        requirePositive(SieveOptions.CLEANUP_INTERVAL, false);
        requirePositive(SieveOptions.DUPLICATE_CROSS_VENDOR_ORDER_HOLD, true);
        if (get(SieveOptions.REPLAY_RETENTION).compareTo(get(SieveOptions.DUPLICATE_LOOKBACK)) < 0) {
            throw new IllegalArgumentException(
                    "Setting '" + SieveOptions.REPLAY_RETENTION.key() + "' must be at least '"
                            + SieveOptions.DUPLICATE_LOOKBACK.key()
                            + "', or a replay of an old invoice would be scored as its own duplicate");
        }
        requireAtLeast(SieveOptions.DUPLICATE_MAX_COMPARISONS, 1);
        requireAtLeast(SieveOptions.DUPLICATE_DATE_TOLERANCE_DAYS, 0);
        requireAtLeast(SieveOptions.AMOUNT_MIN_HISTORY, 2);
        requireAtLeast(SieveOptions.AMOUNT_MAX_SAMPLES, 4);
        requireAtLeast(SieveOptions.BANK_MIN_HISTORY, 1);
        if (get(SieveOptions.AMOUNT_MAX_SAMPLES) < get(SieveOptions.AMOUNT_MIN_HISTORY)) {
            throw new IllegalArgumentException(
                    "Setting '" + SieveOptions.AMOUNT_MAX_SAMPLES.key() + "' must be at least '"
                            + SieveOptions.AMOUNT_MIN_HISTORY.key() + "'");
        }
        if (get(SieveOptions.AMOUNT_Z_THRESHOLD) <= 0) {
            throw new IllegalArgumentException(
                    "Setting '" + SieveOptions.AMOUNT_Z_THRESHOLD.key() + "' must be > 0");
        }
        if (get(SieveOptions.AMOUNT_MIN_RATIO) < 1) {
            throw new IllegalArgumentException(
                    "Setting '" + SieveOptions.AMOUNT_MIN_RATIO.key() + "' must be >= 1");
        }
        requireUnit(SieveOptions.LOW_CONFIDENCE_THRESHOLD);
        thresholds();
        ConnectorOptions.validate(this);
    }

    /** An option without default that a command needs; fails naming the setting. */
    public String required(ConfigOption<String> option) {
        String value = get(option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Setting '" + option.key() + "' is required");
        }
        return resolveEnv(option.key(), value);
    }

    /**
     * A secret, resolved now: the setting (literal, {@code ${env:NAME}} or {@code ${file:/path}}), else
     * the environment variable {@code fallbackEnv}; null when neither is set. For what runs in this
     * process only ({@code init}); the job takes {@link #secretRef}. The value is never put into messages.
     */
    public String secret(ConfigOption<String> option, String fallbackEnv) {
        return new Secrets.Ref(option.key(), get(option), fallbackEnv).resolve();
    }

    /**
     * A secret as the job carries it: the reference, resolved by the writer when it connects. A literal
     * value is refused (it would travel in the JobGraph); unset means {@code fallbackEnv}, read then.
     */
    public Secrets.Ref secretRef(ConfigOption<String> option, String fallbackEnv) {
        String value = get(option);
        Secrets.requireNotLiteral(option.key(), value);
        return new Secrets.Ref(option.key(), value, fallbackEnv);
    }

    /**
     * The keys below {@code prefix} with the prefix removed (client pass-through settings), values
     * with {@code ${env:NAME}} and {@code ${file:/path}} resolved.
     */
    public Map<String, String> prefixed(String prefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        prefixedRaw(prefix).forEach((key, value) -> out.put(key, resolveEnv(prefix + key, value)));
        return out;
    }

    /** The keys below {@code prefix} with the prefix removed, values as given (references unresolved). */
    public Map<String, String> prefixedRaw(String prefix) {
        Map<String, String> out = new java.util.TreeMap<>();
        configuration.toMap().forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), value);
            }
        });
        return out;
    }

    /** {@code ${env:NAME}} (which must be set) and {@code ${file:/path}} (which must be readable) are resolved. */
    static String resolveEnv(String key, String value) {
        return Secrets.resolve(key, value);
    }

    /** The settings with secrets (password, secret, jaas.config, token ... keys) masked, as Flink does. */
    @Override
    public String toString() {
        return "SieveConfig" + new java.util.TreeMap<>(
                org.apache.flink.configuration.ConfigurationUtils.hideSensitiveValues(configuration.toMap()));
    }

    /** Default and per-tenant thresholds, validated. */
    public Thresholds thresholds() {
        double review = requireUnit(SieveOptions.REVIEW_THRESHOLD);
        double hold = requireUnit(SieveOptions.HOLD_THRESHOLD);
        for (ConfigOption<Double> option : List.of(SieveOptions.REVIEW_THRESHOLD, SieveOptions.HOLD_THRESHOLD)) {
            if (!(get(option) > 0)) {
                throw new IllegalArgumentException(
                        "Setting '" + option.key() + "' must be within (0, 1], was " + get(option));
            }
        }
        if (review > hold) {
            // name the setting the user set: the other one is at its default
            boolean reviewSet = configuration.containsKey(SieveOptions.REVIEW_THRESHOLD.key());
            boolean holdSet = configuration.containsKey(SieveOptions.HOLD_THRESHOLD.key());
            String reviewKey = SieveOptions.REVIEW_THRESHOLD.key();
            String holdKey = SieveOptions.HOLD_THRESHOLD.key();
            if (holdSet && !reviewSet) {
                throw new IllegalArgumentException(
                        "Setting '" + holdKey + "': the HOLD threshold " + hold + " is below the REVIEW threshold "
                                + review + " ('" + reviewKey + "', default)");
            }
            if (reviewSet && !holdSet) {
                throw new IllegalArgumentException(
                        "Setting '" + reviewKey + "': the REVIEW threshold " + review + " is above the HOLD threshold "
                                + hold + " ('" + holdKey + "', default)");
            }
            throw new IllegalArgumentException(
                    "Settings '" + reviewKey + "' and '" + holdKey + "': the REVIEW threshold " + review
                            + " is above the HOLD threshold " + hold);
        }
        return Thresholds.parse(
                review, hold, get(SieveOptions.TENANT_THRESHOLDS), SieveOptions.TENANT_THRESHOLDS.key());
    }

    private double requireUnit(ConfigOption<Double> option) {
        double value = get(option);
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(
                    "Setting '" + option.key() + "' must be within [0, 1], was " + value);
        }
        return value;
    }

    private void requireAtLeast(ConfigOption<Integer> option, int min) {
        if (get(option) < min) {
            throw new IllegalArgumentException(
                    "Setting '" + option.key() + "' must be at least " + min + ", was " + get(option));
        }
    }

    private void requirePositive(ConfigOption<Duration> option, boolean zeroAllowed) {
        Duration value = get(option);
        if (value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(
                    "Setting '" + option.key() + "' must be a positive duration, was " + value);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
