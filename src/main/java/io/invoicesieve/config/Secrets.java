package io.invoicesieve.config;

import org.apache.flink.configuration.GlobalConfiguration;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets are references, resolved where they are used: {@code ${env:NAME}} (an environment
 * variable) or {@code ${file:/path}} (the content of a mounted file, e.g. a Kubernetes Secret volume;
 * one trailing newline is dropped). The job carries only the reference ({@link Ref}): each writer
 * resolves it when it opens its connection, in the TaskManager (the Kafka source's enumerator in the
 * JobManager), so no password is ever a field of a serialized sink, the JobGraph or the HA storage.
 *
 * <p>For the Kafka clients the same two forms are Kafka config providers ({@link
 * SecretConfigProvider}), registered as {@code env} and {@code file}: Kafka itself resolves them when
 * a producer, consumer or admin client is created. A literal secret (a sensitive key, as Flink names
 * them: password, secret, jaas.config, token ..., whose value holds no {@code ${...}}) is refused by
 * everything the job builds.
 */
public final class Secrets {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");
    static final String CONFIG_PROVIDERS = "config.providers";

    private Secrets() {}

    /** True when the whole value is one {@code ${env:NAME}} or {@code ${file:/path}}. */
    public static boolean isReference(String value) {
        return value != null && REFERENCE.matcher(value.trim()).matches();
    }

    /** True for keys whose values Flink hides (password, secret, jaas.config, token, ...). */
    public static boolean isSensitive(String key) {
        return GlobalConfiguration.isSensitive(key);
    }

    /**
     * The value of a reference; any other value is returned as it is. Errors name {@code key} and the
     * variable or file, never a value.
     */
    public static String resolve(String key, String value) {
        if (value == null) {
            return null;
        }
        Matcher m = REFERENCE.matcher(value.trim());
        if (!m.matches()) {
            return value;
        }
        return m.group(1).equals("env") ? env(key, m.group(2)) : file(key, m.group(2));
    }

    static String env(String key, String name) {
        String value = System.getenv(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "Setting '" + key + "' refers to environment variable " + name + ", which is not set");
        }
        return value;
    }

    static String file(String key, String path) {
        try {
            String content = Files.readString(Path.of(path), StandardCharsets.UTF_8);
            if (content.endsWith("\n")) {
                content = content.substring(0, content.length() - (content.endsWith("\r\n") ? 2 : 1));
            }
            return content;
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Setting '" + key + "' refers to file " + path + ", which cannot be read: " + e.getClass().getSimpleName());
        }
    }

    /** Fails naming the key when a sensitive setting holds a literal instead of a reference. */
    static void requireNotLiteral(String key, String value) {
        if (value != null && !value.isEmpty() && isSensitive(key) && !value.contains("${")) {
            throw new IllegalArgumentException(
                    "Setting '" + key + "' holds a literal secret: the job would carry it in its JobGraph (and the HA"
                            + " storage). Give ${env:NAME} or ${file:/path} instead (or a Kafka config provider's ${...}).");
        }
    }

    /**
     * The Kafka client settings ({@code sieve.kafka.properties.*}) as given, references unresolved,
     * with the {@code env} and {@code file} config providers added (unless those names are taken), so
     * that the Kafka client resolves them when it is created, in the task.
     */
    public static Properties kafkaProperties(SieveConfig config) {
        Properties properties = new Properties();
        for (Map.Entry<String, String> e : config.prefixedRaw(ConnectorOptions.KAFKA_PROPERTIES_PREFIX).entrySet()) {
            requireNotLiteral(ConnectorOptions.KAFKA_PROPERTIES_PREFIX + e.getKey(), e.getValue());
            properties.setProperty(e.getKey(), e.getValue());
        }
        String providers = properties.getProperty(CONFIG_PROVIDERS, "").trim();
        StringBuilder list = new StringBuilder(providers);
        for (String name : new String[] {"env", "file"}) {
            boolean taken = false;
            for (String p : providers.split(",")) {
                taken |= p.trim().equals(name);
            }
            if (!taken) {
                list.append(list.length() == 0 ? "" : ",").append(name);
                properties.setProperty(CONFIG_PROVIDERS + "." + name + ".class", SecretConfigProvider.class.getName());
                properties.setProperty(CONFIG_PROVIDERS + "." + name + ".param." + SecretConfigProvider.KIND, name);
            }
        }
        properties.setProperty(CONFIG_PROVIDERS, list.toString());
        return properties;
    }

    /**
     * A secret setting as the job carries it: the reference (or nothing) and the environment variable
     * to fall back to; {@link #resolve()} reads it, where the connection is opened.
     */
    public static final class Ref implements Serializable {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final String reference;
        private final String fallbackEnv;

        Ref(String key, String reference, String fallbackEnv) {
            this.key = key;
            this.reference = reference;
            this.fallbackEnv = fallbackEnv;
        }

        /** The secret now; null when the setting is unset and so is the fallback variable. */
        public String resolve() {
            if (reference != null && !reference.isEmpty()) {
                return Secrets.resolve(key, reference);
            }
            String env = fallbackEnv == null ? null : System.getenv(fallbackEnv);
            return env == null || env.isEmpty() ? null : env;
        }

        @Override
        public String toString() {
            return key + "=" + (reference != null ? reference : "env " + fallbackEnv);
        }
    }
}
