package io.invoicesieve.job;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version written into every decision, from the build. */
public final class JobVersion {

    private static final String VERSION = load();

    private JobVersion() {}

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = JobVersion.class.getResourceAsStream("/invoice-sieve-version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }
}
