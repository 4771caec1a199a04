package io.invoicesieve.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A test CA and a server certificate it signed for 127.0.0.1 and localhost, made with the JDK's
 * keytool in a directory of the test: {@code ca.pem} (what clients trust), {@code truststore.p12},
 * {@code server.p12} (key and chain, for Java servers and Kafka) and {@code server.crt} /
 * {@code server.key} (PEM chain and unencrypted PKCS#8 key, mode 0600, for PostgreSQL). Valid 2 days.
 */
public final class TestCertificates {

    /** Password of the PKCS#12 stores (test only). */
    public static final String STORE_PASSWORD = "test-store-password";

    public final Path dir;
    public final Path caPem;
    public final Path trustStore;
    public final Path serverKeyStore;
    public final Path serverCertPem;
    public final Path serverKeyPem;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caPem = dir.resolve("ca.pem");
        this.trustStore = dir.resolve("truststore.p12");
        this.serverKeyStore = dir.resolve("server.p12");
        this.serverCertPem = dir.resolve("server.crt");
        this.serverKeyPem = dir.resolve("server.key");
    }

    /** Makes a new CA and server certificate in {@code dir} (created). */
    public static TestCertificates create(Path dir) {
        try {
            Files.createDirectories(dir);
            TestCertificates c = new TestCertificates(dir);
            Path ca = dir.resolve("ca.p12");
            Path csr = dir.resolve("server.csr");
            Path signed = dir.resolve("server-signed.pem");
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=invoice-sieve test CA", "-ext", "bc:c", "-keystore", ca.toString());
            keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-file", c.caPem.toString());
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-keystore", c.serverKeyStore.toString());
            keytool(dir, "-certreq", "-alias", "server", "-keystore", c.serverKeyStore.toString(), "-file", csr.toString());
            keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(),
                    "-outfile", signed.toString(), "-validity", "2",
                    "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "ku:c=digitalSignature,keyEncipherment",
                    "-ext", "eku=serverAuth");
            keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", c.caPem.toString(),
                    "-keystore", c.serverKeyStore.toString());
            keytool(dir, "-importcert", "-noprompt", "-alias", "server", "-file", signed.toString(),
                    "-keystore", c.serverKeyStore.toString());
            keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", c.caPem.toString(),
                    "-keystore", c.trustStore.toString());
            c.writePem();
            return c;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make test certificates", e);
        }
    }

    private void writePem() throws IOException {
        try {
            KeyStore store = serverStore();
            StringBuilder chain = new StringBuilder();
            for (Certificate certificate : store.getCertificateChain("server")) {
                chain.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
            Files.writeString(serverCertPem, chain.toString());
            byte[] key = store.getKey("server", STORE_PASSWORD.toCharArray()).getEncoded(); // PKCS#8
            Files.writeString(serverKeyPem, pem("PRIVATE KEY", key));
            Files.setPosixFilePermissions(serverKeyPem, PosixFilePermissions.fromString("rw-------"));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private KeyStore serverStore() throws IOException, java.security.GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(serverKeyStore)) {
            store.load(in, STORE_PASSWORD.toCharArray());
        }
        return store;
    }

    /** An SSLContext serving the server certificate (for a Java test server). */
    public SSLContext serverContext() {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(serverStore(), STORE_PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void keytool(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", STORE_PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", STORE_PASSWORD));
        }
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
