package dev.jamestls.james.smtp;

import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.jamestls.james.attributes.ClientVerification;
import dev.jamestls.tls.SslSessions;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;

/**
 * Reads the TLS facts of a James SMTP session, computed once per TLS session
 * and kept on the connection (they survive {@code RSET} and later transactions).
 */
public final class SmtpSessionTls {
    /**
     * Set on an {@link SSLSession} (as a value) by a listener that asks for a
     * client certificate without requiring it, so the certificate is reported
     * as {@link ClientVerification#UNVERIFIED} instead of verified by the listener.
     */
    public static final String CERTIFICATE_WANTED_MARKER = "dev.jamestls.certificateWanted";

    private static final ProtocolSession.AttachmentKey<Cached> CACHE =
        ProtocolSession.AttachmentKey.of("dev.jamestls.tlsFacts", Cached.class);

    private SmtpSessionTls() {
    }

    /** Facts of the session as it is now (clear text until STARTTLS completes). */
    public static TlsFacts facts(SMTPSession session) {
        Optional<SSLSession> ssl = session.getSSLSession();
        if (ssl.isEmpty()) {
            return TlsFacts.CLEAR_TEXT;
        }
        SSLSession sslSession = ssl.get();
        Optional<Cached> cached = session.getAttachment(CACHE, ProtocolSession.State.Connection)
            .filter(entry -> entry.sslSession == sslSession);
        if (cached.isPresent()) {
            return cached.get().facts;
        }
        // RFC 3207: on a STARTTLS listener the session became encrypted through the command;
        // on a socketTLS listener (RFC 8314) it was encrypted from the first byte.
        TlsChannel channel = session.isStartTLSSupported() ? TlsChannel.STARTTLS : TlsChannel.IMPLICIT;
        TlsFacts facts = SslSessions.facts(channel, sslSession);
        session.setAttachment(CACHE, new Cached(sslSession, facts), ProtocolSession.State.Connection);
        return facts;
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
        // JSSE require and verify it against the listener's trust store.
        return wanted ? ClientVerification.UNVERIFIED : ClientVerification.LISTENER;
    }

    private record Cached(SSLSession sslSession, TlsFacts facts) {
    }
}
