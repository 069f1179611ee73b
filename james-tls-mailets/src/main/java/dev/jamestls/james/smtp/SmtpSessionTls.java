package dev.jamestls.james.smtp;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.mailet.Attribute;

import dev.jamestls.inbound.InboundSession;
import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.tls.SslSessions;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;

/**
 * Reads the TLS facts of a James SMTP session, computed once per TLS session
 * and kept on the connection (they survive {@code RSET} and later transactions):
 * the facts, the presented chain and the mail attributes every mail of the session
 * carries. A new handshake (a new {@link SSLSession}) is read again.
 */
public final class SmtpSessionTls {
    /**
     * Set on every {@link SSLSession} (as a value) of a listener that asks for a
     * client certificate without requiring it, whatever the handshake (full or
     * resumed), so the certificate is reported as {@link ClientVerification#UNVERIFIED}
     * instead of verified by the listener.
     */
    public static final String CERTIFICATE_WANTED_MARKER = "dev.jamestls.certificateWanted";

    private static final ProtocolSession.AttachmentKey<Cached> CACHE =
        ProtocolSession.AttachmentKey.of("dev.jamestls.tlsFacts", Cached.class);
    private static final List<Attribute> CLEAR_TEXT_ATTRIBUTES = TlsAttributes.of(TlsFacts.CLEAR_TEXT, ClientVerification.NONE);

    private SmtpSessionTls() {
    }

    /** Facts of the session as it is now (clear text until STARTTLS completes). */
    public static TlsFacts facts(SMTPSession session) {
        return read(session).map(Cached::facts).orElse(TlsFacts.CLEAR_TEXT);
    }

    /** The client's certificates as presented (leaf first); empty in clear text or when none was presented. */
    public static List<X509Certificate> peerChain(SMTPSession session) {
        return read(session).map(Cached::peerChain).orElse(List.of());
    }

    /** What the inbound evaluator needs of the session as it is now. */
    public static InboundSession inboundSession(SMTPSession session) {
        Optional<Cached> tls = read(session);
        return new InboundSession(tls.map(Cached::facts).orElse(TlsFacts.CLEAR_TEXT), tls.map(Cached::peerChain).orElse(List.of()),
            session.getRemoteAddress().getAddress(), session.getSessionID());
    }

    /** The {@link TlsAttributes} of the session as it is now, chain PEM included. */
    public static List<Attribute> mailAttributes(SMTPSession session) {
        return read(session).map(Cached::attributes).orElse(CLEAR_TEXT_ATTRIBUTES);
    }

    /** Who verified the client certificate, if one was presented. */
    public static ClientVerification verification(SMTPSession session, TlsFacts facts) {
        if (facts.peerChain().isEmpty()) {
            return ClientVerification.NONE;
        }
        boolean wanted = session.getSSLSession()
            .map(ssl -> ssl.getValue(CERTIFICATE_WANTED_MARKER) != null)
            .orElse(false);
        // James's own listeners only ever receive a certificate with <clientAuth>, which makes
        // JSSE require and verify it against the listener's trust store (or the JVM's). Any other
        // listener that receives certificates is ours, and marks every session it hands out.
        return wanted ? ClientVerification.UNVERIFIED : ClientVerification.LISTENER;
    }

    private static Optional<Cached> read(SMTPSession session) {
        Optional<SSLSession> ssl = session.getSSLSession();
        if (ssl.isEmpty()) {
            return Optional.empty();
        }
        SSLSession sslSession = ssl.get();
        Optional<Cached> cached = session.getAttachment(CACHE, ProtocolSession.State.Connection)
            .filter(entry -> entry.sslSession == sslSession);
        if (cached.isPresent()) {
            return cached;
        }
        // RFC 3207: on a STARTTLS listener the session became encrypted through the command;
        // on a socketTLS listener (RFC 8314) it was encrypted from the first byte.
        TlsChannel channel = session.isStartTLSSupported() ? TlsChannel.STARTTLS : TlsChannel.IMPLICIT;
        // Read once per TLS session: JSSE answers "no client certificate" with an exception.
        List<X509Certificate> chain = SslSessions.peerChain(sslSession);
        TlsFacts facts = SslSessions.facts(channel, sslSession, chain);
        Cached fresh = new Cached(sslSession, facts, chain,
            TlsAttributes.of(facts, verification(session, facts), chain));
        session.setAttachment(CACHE, fresh, ProtocolSession.State.Connection);
        return Optional.of(fresh);
    }

    private record Cached(SSLSession sslSession, TlsFacts facts, List<X509Certificate> peerChain, List<Attribute> attributes) {
    }
}
