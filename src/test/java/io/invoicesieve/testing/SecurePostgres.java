package io.invoicesieve.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * A second PostgreSQL 17 (zonky, real binaries) that speaks TLS with the certificate of
 * {@link TestCertificates} and asks every role but the superuser for a SCRAM-SHA-256 password over
 * TLS only ({@code hostssl ... scram-sha-256}; plain TCP is rejected). The superuser keeps
 * {@code trust} (host, 127.0.0.1), which the embedded server's own start-up check needs. For one test
 * class: start it, close it.
 */
public final class SecurePostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;
    private final Path dir;
    private final long pid;

    private SecurePostgres(EmbeddedPostgres postgres, Path dir, long pid) {
        this.postgres = postgres;
        this.dir = dir;
        this.pid = pid;
    }

    public static SecurePostgres start(TestCertificates certificates) {
        ServiceSupport.reapStale("postgres-tls", "data/postmaster.pid");
        Path dir = ServiceSupport.newInstanceDir("postgres-tls");
        Path hba = dir.resolve("pg_hba.conf");
        try {
            Files.writeString(hba, String.join("\n",
                    "# TYPE    DATABASE USER     ADDRESS        METHOD",
                    "local     all      all                     trust",
                    "host      all      postgres 127.0.0.1/32   trust",
                    "host      all      postgres ::1/128        trust",
                    "hostssl   all      all      127.0.0.1/32   scram-sha-256",
                    "hostnossl all      all      127.0.0.1/32   reject",
                    ""));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(dir.resolve("binaries").toFile())
                    .setDataDirectory(dir.resolve("data"))
                    .setCleanDataDirectory(true)
                    .setPort(ServiceSupport.freePort())
                    .setServerConfig("listen_addresses", ServiceSupport.LOOPBACK)
                    .setServerConfig("unix_socket_directories", ServiceSupport.createDirectories(dir.resolve("sockets")).toString())
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", certificates.serverCertPem.toString())
                    .setServerConfig("ssl_key_file", certificates.serverKeyPem.toString())
                    .setServerConfig("ssl_min_protocol_version", "TLSv1.2")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setServerConfig("hba_file", hba.toString())
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            List<String> lines = Files.readAllLines(dir.resolve("data").resolve("postmaster.pid"));
            return new SecurePostgres(postgres, dir, Long.parseLong(lines.get(0).trim()));
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL with TLS did not start", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}: the certificate names 127.0.0.1 (and localhost). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    /** The superuser on the postgres database (trust, no TLS needed). */
    public Connection superuser() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ServiceSupport.kill(pid, Duration.ofSeconds(5));
            ServiceSupport.deleteRecursively(dir);
        }
    }
}
