package io.invoicesieve.sinks;

import io.invoicesieve.config.ConnectorOptions;
import io.invoicesieve.config.Secrets;
import io.invoicesieve.config.SieveConfig;

import org.apache.flink.connector.opensearch.sink.RestClientFactory;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.ssl.SSLContextBuilder;
import org.opensearch.client.RestClientBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the OpenSearch clients (the sink's writers and init) connect: basic authentication with the
 * password resolved when the client is built, and TLS trusting the CA of {@code sieve.opensearch.ca-file}
 * (or, for test clusters only, anything). The factory the sink carries holds the user name, the
 * password's reference and the CA file's path: no secret.
 */
public final class OpenSearchClients implements RestClientFactory {

    private static final long serialVersionUID = 1L;

    private final String username;
    private final Secrets.Ref password;
    private final String caFile;
    private final boolean allowInsecure;

    private OpenSearchClients(String username, Secrets.Ref password, String caFile, boolean allowInsecure) {
        this.username = username;
        this.password = password;
        this.caFile = caFile;
        this.allowInsecure = allowInsecure;
    }

    public static OpenSearchClients of(SieveConfig config) {
        String user = config.get(ConnectorOptions.OPENSEARCH_USERNAME);
        return new OpenSearchClients(
                user,
                user == null ? null : config.secretRef(ConnectorOptions.OPENSEARCH_PASSWORD, ConnectorOptions.OPENSEARCH_PASSWORD_ENV),
                config.get(ConnectorOptions.OPENSEARCH_CA_FILE),
                config.get(ConnectorOptions.OPENSEARCH_ALLOW_INSECURE));
    }

    /** Called by the sink's writer when it opens (and by {@link OpenSearchIndex#client}); {@code config} may be null. */
    @Override
    public void configureRestClientBuilder(RestClientBuilder builder, RestClientConfig config) {
        if (config != null && config.getConnectionPathPrefix() != null) {
            builder.setPathPrefix(config.getConnectionPathPrefix());
        }
        BasicCredentialsProvider credentials = null;
        if (username != null) {
            String secret = password == null ? null : password.resolve();
            credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(username, secret == null ? "" : secret));
        }
        SSLContext ssl = sslContext();
        BasicCredentialsProvider provider = credentials;
        builder.setHttpClientConfigCallback(http -> {
            if (provider != null) {
                http.setDefaultCredentialsProvider(provider);
            }
            if (ssl != null) {
                http.setSSLContext(ssl);
            }
            if (allowInsecure) {
                http.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);
            }
            return http;
        });
    }

    /** Null: the JVM's default trust store. */
    SSLContext sslContext() {
        try {
            if (allowInsecure) {
                return SSLContextBuilder.create().loadTrustMaterial(null, (chain, authType) -> true).build();
            }
            if (caFile == null) {
                return null;
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(
                        "Setting '" + ConnectorOptions.OPENSEARCH_CA_FILE.key() + "': no certificate in " + caFile);
            }
            int i = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + i++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "Setting '" + ConnectorOptions.OPENSEARCH_CA_FILE.key() + "': cannot load " + caFile + ": " + e.getMessage(), e);
        }
    }
}
