package io.invoicesieve.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/** The README's configuration table, generated from {@link SieveOptions}. */
public final class OptionsTable {

    private OptionsTable() {}

    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| setting | default | type | description |\n");
        out.append("| --- | --- | --- | --- |\n");
        for (ConfigOption<?> option : SieveOptions.all()) {
            out.append("| `").append(option.key()).append("` | ")
                    .append(defaultValue(option)).append(" | ")
                    .append(type(option)).append(" | ")
                    .append(new HtmlFormatter().format(option.description()).replace("|", "\\|"))
                    .append(" |\n");
        }
        return out.toString();
    }

    static String defaultValue(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "(none)";
        }
        Object value = option.defaultValue();
        if (value instanceof java.time.Duration) {
            return "`" + org.apache.flink.util.TimeUtils.formatWithHighestUnit((java.time.Duration) value) + "`";
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "(empty)" : "`" + text + "`";
    }

    static String type(ConfigOption<?> option) {
        Object value = option.hasDefaultValue() ? option.defaultValue() : null;
        return value == null ? "String" : value.getClass().getSimpleName();
    }
}
