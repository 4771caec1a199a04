package io.invoicesieve.config;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@link Secrets}' two reference forms as a Kafka config provider, so that {@code ${env:NAME}} and
 * {@code ${file:/path}} in {@code sieve.kafka.properties.*} (a JAAS config, a keystore password) are
 * resolved by the Kafka client when it is created, in the task, and never travel with the job.
 * Registered by {@link Secrets#kafkaProperties} as {@code config.providers=env,file} with the
 * parameter {@code kind}. {@code ${file:/path:key}} reads one key of a properties file (as Kafka's own
 * FileConfigProvider does).
 */
public final class SecretConfigProvider implements ConfigProvider {

    static final String KIND = "kind";

    private String kind = "env";

    @Override
    public void configure(Map<String, ?> configs) {
        Object k = configs.get(KIND);
        if (k != null) {
            kind = k.toString();
        }
        if (!kind.equals("env") && !kind.equals("file")) {
            throw new ConfigException("SecretConfigProvider kind must be env or file, was " + kind);
        }
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> data = new HashMap<>();
        try {
            if (kind.equals("env")) {
                for (String name : keys) {
                    data.put(name, Secrets.env("sieve.kafka.properties (${env:" + name + "})", name));
                }
            } else if (path == null || path.isEmpty()) {
                for (String file : keys) {
                    data.put(file, Secrets.file("sieve.kafka.properties (${file:" + file + "})", file));
                }
            } else {
                Properties properties = new Properties();
                try (Reader reader = Files.newBufferedReader(Path.of(path), StandardCharsets.UTF_8)) {
                    properties.load(reader);
                } catch (IOException e) {
                    throw new IllegalArgumentException("sieve.kafka.properties: cannot read " + path);
                }
                for (String key : keys) {
                    String value = properties.getProperty(key);
                    if (value == null) {
                        throw new IllegalArgumentException("sieve.kafka.properties: no key " + key + " in " + path);
                    }
                    data.put(key, value);
                }
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        return new ConfigData(data);
    }

    @Override
    public void close() {}
}
