package dev.jamestls.james.outbound;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerifyingTrustManager;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/**
 * One {@link SSLContext} per rule and TLS requirement (certificate requirement + enforcement), so that
 * JSSE's client session cache resumes sessions between attempts (RFC 8446 §2.2, RFC 5077). A context's
 * sessions are therefore only ever offered for resumption under the requirement they were verified
 * for. The trust manager is shared, but each full handshake reports its outcome to the attempt that
 * owns the socket (a fresh verification per attempt); a resumed handshake does not reach the trust
 * manager (the JDK skips it), so {@link SmtpAttempt} verifies the resumed session's peer chain again.
 * <p>
 * The plan's client identity (its content digest) is part of the key: a context presents one identity, whenever
 * the destination sends a CertificateRequest (RFC 8446 §4.3.2, RFC 5246 §7.4.4), and never resumes a session
 * authenticated with another one. Its key manager tells the attempt that a certificate was requested and what
 * was presented, which is how a refusal is classified as "client certificate required".
 */
public final class ClientTlsContexts {
    private static final int MAX_CONTEXTS = 1_000;

    private record Key(String rule, CertificateRequirement requirement, OnFailure enforcement, Optional<ClientIdentity> identity) {
    }

    /** A context and the attempts that are handshaking with it. */
    static final class Shared {
        private final SSLContext context;
        private final Map<Socket, AttemptTap> attempts = Collections.synchronizedMap(new WeakHashMap<>());

        private Shared(SSLContext context) {
            this.context = context;
        }

        SSLContext context() {
            return context;
        }

        /** Routes the trust manager's outcome for {@code socket} to {@code tap}. */
        void handshaking(Socket socket, AttemptTap tap) {
            attempts.put(socket, tap);
        }

        void done(Socket socket) {
            attempts.remove(socket);
        }
    }

    private final ChainVerifier verifier;
    private final Map<Key, Shared> contexts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Shared> eldest) {
            return size() > MAX_CONTEXTS;
        }
    };

    public ClientTlsContexts(ChainVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    /** The shared context for {@code plan} under {@code rule}; the plan must use STARTTLS. */
    Shared forPlan(String rule, TlsPlan plan) {
        CertificateRequirement requirement = plan.certificate().orElseThrow(
            () -> new IllegalArgumentException("level " + plan.level() + " has no TLS requirement"));
        Key key = new Key(rule, requirement, plan.onCertificateFailure(), plan.clientIdentity());
        synchronized (contexts) {
            return contexts.computeIfAbsent(key, k -> create(k.requirement(), k.enforcement(), k.identity()));
        }
    }

    private Shared create(CertificateRequirement requirement, OnFailure enforcement, Optional<ClientIdentity> identity) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            Shared shared = new Shared(context);
            context.init(new KeyManager[] {new Presenting(shared, identity)},
                new TrustManager[] {new Routing(shared, requirement, enforcement)}, null);
            return shared;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
        }
    }

    /** Runs a {@link VerifyingTrustManager} whose listener is the tap of the attempt that owns the socket. */
    private final class Routing extends X509ExtendedTrustManager {
        private final Shared shared;
        private final CertificateRequirement requirement;
        private final OnFailure enforcement;

        Routing(Shared shared, CertificateRequirement requirement, OnFailure enforcement) {
            this.shared = shared;
            this.requirement = requirement;
            this.enforcement = enforcement;
        }

        private VerifyingTrustManager forSocket(Socket socket) {
            AttemptTap tap = socket == null ? null : shared.attempts.get(socket);
            return new VerifyingTrustManager(verifier, requirement, enforcement,
                tap == null ? outcome -> { } : tap::certificateChecked);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            forSocket(socket).checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            forSocket(null).checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            forSocket(null).checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("outbound TLS contexts verify servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("outbound TLS contexts verify servers only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("outbound TLS contexts verify servers only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return requirement.trustAnchors().toArray(X509Certificate[]::new);
        }
    }

    /**
     * Presents the identity, if any, whenever the destination asks (whatever CA names its request lists: a
     * partner that trusts our certificate's issuer may not list it), and tells the attempt what happened.
     */
    private static final class Presenting extends X509ExtendedKeyManager {
        private static final String ALIAS = "client-identity";
        private final Shared shared;
        private final Optional<ClientIdentity> identity;

        Presenting(Shared shared, Optional<ClientIdentity> identity) {
            this.shared = shared;
            this.identity = identity;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            AttemptTap tap = socket == null ? null : shared.attempts.get(socket);
            Optional<ClientIdentity> suitable = identity.filter(id -> keyTypes != null
                && java.util.Arrays.stream(keyTypes).anyMatch(id::suits));
            if (tap != null) {
                tap.clientCertificateRequested(keyTypes == null ? java.util.List.of() : java.util.List.of(keyTypes), suitable);
            }
            return suitable.isPresent() ? ALIAS : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? identity.map(id -> id.chain().toArray(X509Certificate[]::new)).orElse(null) : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? identity.map(ClientIdentity::key).orElse(null) : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return identity.filter(id -> id.suits(keyType)).map(id -> new String[] {ALIAS}).orElse(null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
