package dev.jamestls.verify;

import static dev.jamestls.verify.Pki.ISSUING;
import static dev.jamestls.verify.Pki.NOW;
import static dev.jamestls.verify.Pki.OTHER_ISSUING;
import static dev.jamestls.verify.Pki.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.Test;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;

/** Real TLS handshakes on loopback with the trust manager adapter on the client (outbound) side. */
class VerifyingTrustManagerTest {
    private static final IssuedCertificate MX = ISSUING.leaf("CN=mx.partner.example").dnsNames("mx.partner.example")
        .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
    private static final CertificateRequirement VERIFY = CertificateRequirement
        .server(List.of(ROOT.certificate().certificate())).withNames("mx.partner.example");
    private static final List<String> DANE_NAMES = List.of("mx.partner.example", "partner.example");
    private final ChainVerifier verifier = CertificateVerifierTest.verifier(Clock.fixed(NOW, ZoneOffset.UTC));

    /** Handshakes once against a loopback server presenting {@link #MX}; returns the outcome read off the session. */
    private Optional<VerificationOutcome> handshake(VerifyingTrustManager trustManager) throws Exception {
        return handshake(MX, trustManager);
    }

    /** Handshakes once against a loopback server presenting {@code server} with its full chain. */
    private Optional<VerificationOutcome> handshake(IssuedCertificate server, VerifyingTrustManager trustManager) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        char[] password = "transient".toCharArray();
        KeyStore store = SslContexts.keyStore(server, "mx", password);
        keys.init(store, password);
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(keys.getKeyManagers(), null, new SecureRandom());
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
            .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.setSoTimeout(5000);
                    accepted.startHandshake();
                    accepted.getOutputStream().write(1);
                    accepted.getOutputStream().flush();
                } catch (IOException e) {
                    // the client may abort the handshake: that is the point of some tests
                }
            });
            SSLContext clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, new TrustManager[] {trustManager}, new SecureRandom());
            try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setSoTimeout(5000);
                client.startHandshake();
                assertThat(client.getInputStream().read()).isEqualTo(1);
                return VerifyingTrustManager.outcome(client.getSession());
            } finally {
                serverSide.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void enforcingTrustManagerAcceptsTheRightServerAndRecordsTheOutcomeOnTheSession() throws Exception {
        AtomicReference<VerificationOutcome> heard = new AtomicReference<>();
        VerifyingTrustManager trustManager = new VerifyingTrustManager(verifier, VERIFY,
            VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE, heard::set);

        Optional<VerificationOutcome> outcome = handshake(trustManager);

        assertThat(outcome).isPresent();
        assertThat(outcome.get().kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.get().leaf().orElseThrow().subject()).isEqualTo("CN=mx.partner.example");
        assertThat(heard.get()).isSameAs(outcome.get());
    }

    @Test
    void enforcingTrustManagerFailsTheHandshakeOnTheWrongName() {
        AtomicReference<VerificationOutcome> heard = new AtomicReference<>();
        VerifyingTrustManager trustManager = new VerifyingTrustManager(verifier, VERIFY.withNames("mail.partner.example"),
            VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE, heard::set);

        Throwable failure = catchThrowable(() -> handshake(trustManager));

        assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        assertThat(heard.get().kind()).isEqualTo(VerificationKind.NAME_MISMATCH);
        assertThat(failure.getCause()).hasMessage(heard.get().message());
        assertThat(heard.get().reason()).isEqualTo("none of the presented names [mx.partner.example] matches [mail.partner.example]");
    }

    @Test
    void recordOnlyTrustManagerCompletesTheHandshakeAndRecordsTheFailure() throws Exception {
        VerifyingTrustManager trustManager = new VerifyingTrustManager(verifier, VERIFY.withNames("mail.partner.example"),
            VerifyingTrustManager.OnFailure.RECORD_ONLY, outcome -> { });

        Optional<VerificationOutcome> outcome = handshake(trustManager);

        assertThat(outcome.orElseThrow().kind()).isEqualTo(VerificationKind.NAME_MISMATCH);
    }

    // ---- DANE (RFC 7672 §3.1) over a real handshake ----------------------------------------------------------------

    @Test
    void daneEeAcceptsTheServersOwnExpiredCertificate() throws Exception {
        IssuedCertificate expired = OTHER_ISSUING.leaf("CN=mx.partner.example").dnsNames("mx.partner.example")
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(30))).issue();
        CertificateRequirement dane = CertificateRequirement.dane(
            List.of(DaneAttackTest.record(TlsaRecord.DANE_EE, 1, 1, expired.certificate())), DANE_NAMES);

        Optional<VerificationOutcome> outcome = handshake(expired, new VerifyingTrustManager(verifier, dane,
            VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE, heard -> { }));

        assertThat(outcome.orElseThrow().kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.get().notes()).singleElement().asString().startsWith("DANE-EE: the leaf matches TLSA 3 1 1 ");
    }

    @Test
    void daneTaAcceptsTheChainBelowThePresentedAnchor() throws Exception {
        CertificateRequirement dane = CertificateRequirement.dane(
            List.of(DaneAttackTest.record(TlsaRecord.DANE_TA, 0, 1, ISSUING.certificate().certificate())), DANE_NAMES);

        Optional<VerificationOutcome> outcome = handshake(MX, new VerifyingTrustManager(verifier, dane,
            VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE, heard -> { }));

        assertThat(outcome.orElseThrow().kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.get().notes()).singleElement().asString()
            .startsWith("DANE-TA: 'CN=Partner Issuing CA,O=Partner' matches TLSA 2 0 1 ");
    }

    @Test
    void daneFailsTheHandshakeWhenNoRecordMatches() {
        IssuedCertificate published = ISSUING.leaf("CN=mx.partner.example").dnsNames("mx.partner.example").issue();
        CertificateRequirement dane = CertificateRequirement.dane(
            List.of(DaneAttackTest.record(TlsaRecord.DANE_EE, 1, 1, published.certificate())), DANE_NAMES);
        AtomicReference<VerificationOutcome> heard = new AtomicReference<>();

        Throwable failure = catchThrowable(() -> handshake(MX, new VerifyingTrustManager(verifier, dane,
            VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE, heard::set)));

        assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        assertThat(heard.get().kind()).isEqualTo(VerificationKind.TLSA_MISMATCH);
        assertThat(heard.get().resultType()).contains(TlsRptResultType.TLSA_INVALID);
        assertThat(failure.getCause()).hasMessage(heard.get().message());
    }
}
