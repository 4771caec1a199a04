package io.invoicesieve.job;

import io.invoicesieve.testing.PostgresService;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schema migration from the packaged jars alone (built by `package`, before this runs): Flyway
 * finds its PostgreSQL plugin through the merged META-INF/services and the scripts under db/, and
 * the jar's Jackson is still the 2.17.2 of jackson-bom that the OpenSearch client needs. Each jar is
 * loaded in a class loader of its own, with only the JDK above it, so the test classpath cannot help.
 */
@ExtendWith(PostgresService.Extension.class)
class FlywayJarsITCase {

    private static final String PLUGINS = "META-INF/services/org.flywaydb.core.extensibility.Plugin";

    @ParameterizedTest
    @ValueSource(strings = {"invoice-sieve-job.jar", "invoice-sieve.jar"})
    void migratesFromTheJarAlone(String name, PostgresService postgres) throws Exception {
        Path jar = Path.of("target", name);
        assertThat(jar).as("built by mvn package").isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(text(file, PLUGINS)).contains(
                    "org.flywaydb.database.postgresql.PostgreSQLDatabaseType",
                    "org.flywaydb.core.internal.database.h2.H2DatabaseType"); // core's own entries kept too
            assertThat(file.getEntry("db/V1__init.sql")).isNotNull();
            assertThat(file.getEntry("db/migrations.txt")).isNull();
            assertThat(text(file, "META-INF/maven/com.fasterxml.jackson.core/jackson-databind/pom.properties"))
                    .contains("version=2.17.2");
            assertThat(file.stream().map(ZipEntry::getName)).noneMatch(e -> e.startsWith("tools/jackson/"));
        }

        String database = "flyway_" + name.replace("-", "_").replace(".jar", "");
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + database);
            st.execute("CREATE DATABASE " + database);
        }
        String url = postgres.jdbcUrl().replaceAll("/postgres$", "/" + database);
        Properties properties = new Properties();
        properties.setProperty("user", postgres.user());
        properties.setProperty("password", postgres.password());

        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            // the jar's driver registers itself with DriverManager, where only the jar's classes may use it
            Class<?> driver = Class.forName("org.postgresql.Driver", true, loader);
            try {
                Class<?> schema = Class.forName("io.invoicesieve.sinks.PostgresSchema", true, loader);
                for (String c : List.of("io.invoicesieve.sinks.PostgresSchema", "org.flywaydb.core.Flyway",
                        "org.flywaydb.database.postgresql.PostgreSQLDatabaseType")) {
                    assertThat(Class.forName(c, false, loader).getClassLoader()).as(c).isSameAs(loader);
                }
                Method migrate = schema.getMethod("migrate", String.class, Properties.class);
                Object first = migrate.invoke(null, url, properties);
                Object second = migrate.invoke(null, url, properties);
                assertThat(accessor(first, "applied")).isEqualTo(List.of("1", "2", "3", "4"));
                assertThat(accessor(second, "applied")).isEqualTo(List.of());
                assertThat(accessor(second, "version")).isEqualTo("4");
            } finally {
                driver.getMethod("deregister").invoke(null);
            }
        }
        try (Connection c = postgres.connection(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE " + database);
        }
    }

    private static Object accessor(Object record, String name) throws Exception {
        return record.getClass().getMethod(name).invoke(record);
    }

    private static String text(JarFile file, String entry) throws Exception {
        ZipEntry e = file.getEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = file.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
