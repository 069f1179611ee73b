package dev.jamestls.it.partner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.testkit.CountingKeyManager;

/**
 * Attacks on what a mail says about who verified its client certificate
 * ({@code dev.jamestls.tls.client.verification}, the {@code X-James-TLS} header),
 * one row per attack. On a listener that only asks for a certificate nobody at the
 * TLS layer verified it, whatever the handshake: a resumed TLS session (RFC 8446
 * §2.2, RFC 5077) skips the certificate messages, and the mail must not then read
 * as verified by the listener.
 */
class ListenerVerificationAttackTest {
    static final TestPki PKI = new TestPki();
    static final String ALL = "memory://var/mail/all/";

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .pki(PKI)
        .listener(Listener.startTls("mx").wantingClientCertificate())
        .listener(Listener.startTls("required").requiringClientCertificate())
        .jamesTlsHooks()
        .confFile("tls-policy.xml", PolicyXml.opportunistic().xml())
        .rootProcessor("""
                  <mailet match="All" class="dev.jamestls.james.mailets.AddTlsHeader"/>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(ALL))
        .build();

    /**
     * A self-signed certificate, presented on the asking listener, then the TLS
     * session resumed on a second connection: both mails read as unverified.
     */
    @ParameterizedTest(name = "resumed {0} session on the asking listener")
    @ValueSource(strings = {"TLSv1.3"})
    void aResumedSessionIsNotVerifiedByTheListener(String protocol) throws Exception {
        CountingKeyManager keys = new CountingKeyManager(PKI.partnerSelfSigned);
        SSLContext context = context(keys, protocol);
        String first = "first " + protocol;
        String second = "resumed " + protocol;
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), context)) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", first)).isEqualTo(250);
        }
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), context)) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", second)).isEqualTo(250);
        }
        // The second handshake was a resumption: the client was asked for its certificate once.
        assertThat(keys.choices()).isEqualTo(1);
        for (String subject : List.of(first, second)) {
            StoredMail mail = stored(subject);
            assertThat(mail.attribute("dev.jamestls.tls.client.subject")).as(subject).isPresent();
            assertThat(mail.attribute("dev.jamestls.tls.client.verification")).as(subject).contains("unverified");
            assertThat(mail.header("X-James-TLS").orElseThrow()).as(subject).contains("listener-verification=none");
        }
    }

    /** The contrast row: James's own listener with {@code <clientAuth>} did verify the certificate. */
    @ParameterizedTest(name = "{0} session on the requiring listener")
    @ValueSource(strings = {"TLSv1.3"})
    void aRequiringListenerReportsItsVerification(String protocol) throws Exception {
        CountingKeyManager keys = new CountingKeyManager(PKI.partner);
        String subject = "required " + protocol;
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("required"), context(keys, protocol))) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", subject)).isEqualTo(250);
        }
        StoredMail mail = stored(subject);
        assertThat(mail.attribute("dev.jamestls.tls.client.verification")).contains("listener");
        assertThat(mail.header("X-James-TLS").orElseThrow()).contains("listener-verification=verified");
    }

    private static StoredMail stored(String subject) {
        return james.awaitMail(ALL, mail -> mail.header("Subject").map(subject::equals).orElse(false));
    }

    private static SSLContext context(X509KeyManager keys, String protocol) throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(SslContexts.trustStore(List.of(PKI.root.certificate().certificate())));
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(new javax.net.ssl.KeyManager[] {keys}, trust.getTrustManagers(), null);
        return context;
    }
}
