package io.invoicesieve.testing;

import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.token.delegation.internals.DelegationTokenCredentialCallback;

/**
 * The SCRAM credential store of the test broker. A KRaft broker of Kafka 3.4 (the version our
 * kafka-clients pins the test broker to) cannot store SCRAM credentials yet (KIP-900, Kafka 3.5), so
 * the broker's SASL_SSL listener gets its credentials from this server callback handler instead of its
 * metadata log. Everything else is the broker's own SCRAM-SHA-512 server over TLS.
 */
public final class TestScramCredentials implements AuthenticateCallbackHandler {

    private static final Map<String, ScramCredential> USERS = new ConcurrentHashMap<>();

    /** Adds (or replaces) a user with this password, salted and hashed as SCRAM-SHA-512 with 4096 iterations. */
    public static void add(String user, String password) {
        try {
            USERS.put(user, new ScramFormatter(ScramMechanism.SCRAM_SHA_512).generateCredential(password, 4096));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaasConfigEntries) {
        if (!ScramMechanism.SCRAM_SHA_512.mechanismName().equals(mechanism)) {
            throw new IllegalArgumentException("only SCRAM-SHA-512, not " + mechanism);
        }
    }

    @Override
    public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
        String user = null;
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback) {
                user = ((NameCallback) callback).getDefaultName();
            } else if (callback instanceof DelegationTokenCredentialCallback) {
                // no delegation tokens
            } else if (callback instanceof ScramCredentialCallback) {
                ((ScramCredentialCallback) callback).scramCredential(user == null ? null : USERS.get(user));
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }

    @Override
    public void close() {}
}
