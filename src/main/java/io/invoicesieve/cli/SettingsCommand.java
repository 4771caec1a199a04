package io.invoicesieve.cli;

import io.invoicesieve.config.SieveConfig;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command that takes settings: {@code --config <file.properties>} and any {@code --<setting> <value>}
 * (a sieve.* or Flink key: it has a dot), which picocli leaves unmatched and {@link #settings()}
 * hands to {@link SieveConfig}. An unmatched argument without a dot is an unknown option.
 */
public abstract class SettingsCommand {

    @Spec
    protected CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file.properties>",
            description = "settings file; --<setting> <value> arguments win over it")
    protected Path config;

    @Unmatched
    protected List<String> unmatched = new ArrayList<>();

    /** The settings, validated; a bad one is a usage error (exit 2) naming it. */
    protected SieveConfig settings() {
        Cli.unknownOption(spec.commandLine(), unmatched).ifPresent(message -> {
            throw new ParameterException(spec.commandLine(), message);
        });
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < unmatched.size(); i++) {
            String arg = unmatched.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new ParameterException(spec.commandLine(), "Unexpected argument '" + arg + "'");
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq > 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else {
                value = null;
            }
            if (value == null) {
                if (i + 1 >= unmatched.size()) {
                    throw new ParameterException(spec.commandLine(), "Missing value for setting '--" + key + "'");
                }
                value = unmatched.get(++i);
            }
            settings.put(key, value);
        }
        List<String> args = new ArrayList<>();
        if (config != null) {
            args.add("--config");
            args.add(config.toString());
        }
        settings.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        try {
            return SieveConfig.fromArgs(args.toArray(new String[0]), new LinkedHashMap<>());
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** A usage or configuration error: one line naming what is wrong, exit code 2. */
    protected ParameterException usage(String message) {
        return new Cli.UsageError(spec.commandLine(), message);
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
