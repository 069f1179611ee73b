package dev.jamestls.verify;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.jamestls.tls.Spelled;

/**
 * A JSSE trust manager that runs the verification core on the peer's chain.
 *
 * <p>The typed outcome is handed to {@code listener} and stored on the
 * handshake session under {@link #SESSION_KEY} (read it with
 * {@link #outcome(SSLSession)} once the handshake is done; on a failed
 * handshake only the listener has it). {@link OnFailure#FAIL_HANDSHAKE} throws a
 * {@link CertificateException} carrying {@link VerificationOutcome#message()}
 * when the chain is not accepted (levels verify / secure / fingerprint);
 * {@link OnFailure#RECORD_ONLY} never throws (level may: the outcome is
 * recorded, the delivery proceeds). Use {@link #checkServerTrusted} on the
 * client (outbound) side with a {@code SERVER_AUTH} requirement and
 * {@link #checkClientTrusted} on the server side with a {@code CLIENT_AUTH} one.
 */
public final class VerifyingTrustManager extends X509ExtendedTrustManager {
    /** Session value name under which the outcome is stored. */
    public static final String SESSION_KEY = "dev.jamestls.verify.outcome";

    /** What a failed verification does: fail the handshake, or only record the outcome. */
    public enum OnFailure implements Spelled {
        FAIL_HANDSHAKE,
        RECORD_ONLY;

        @Override
        public String toString() {
            return spelling();
        }
    }

    private final ChainVerifier verifier;
    private final CertificateRequirement requirement;
    private final OnFailure enforcement;
    private final Consumer<VerificationOutcome> listener;

    public VerifyingTrustManager(ChainVerifier verifier, CertificateRequirement requirement, OnFailure enforcement,
                                 Consumer<VerificationOutcome> listener) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.requirement = Objects.requireNonNull(requirement, "requirement");
        this.enforcement = Objects.requireNonNull(enforcement, "enforcement");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** The outcome recorded on an established session, if this trust manager verified it. */
    public static Optional<VerificationOutcome> outcome(SSLSession session) {
        return session.getValue(SESSION_KEY) instanceof VerificationOutcome outcome ? Optional.of(outcome) : Optional.empty();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, handshakeSession(socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, handshakeSession(engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, null);
    }

    // Both sides run the same check: the requirement's purpose, not which JSSE method is called, says what the
    // peer's certificate must be.
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return requirement.trustAnchors().toArray(X509Certificate[]::new);
    }

    private static SSLSession handshakeSession(Socket socket) {
        return socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
    }

    private static SSLSession handshakeSession(SSLEngine engine) {
        return engine == null ? null : engine.getHandshakeSession();
    }

    private void check(X509Certificate[] chain, SSLSession handshakeSession) throws CertificateException {
        List<X509Certificate> presented = chain == null ? List.of() : Arrays.asList(chain);
        VerificationOutcome outcome = verifier.verify(presented, requirement);
        if (handshakeSession != null) {
            handshakeSession.putValue(SESSION_KEY, outcome);
        }
        listener.accept(outcome);
        if (enforcement == OnFailure.FAIL_HANDSHAKE && !outcome.accepted()) {
            throw new CertificateException(outcome.message());
        }
    }
}
