package dev.jamestls.james.outbound;

import java.util.Optional;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Transport;

import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.SenderDemandRules;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TransactionResult;

/**
 * An open SMTP connection after a delivered mail, kept for the next mail to the same destination. Its
 * TLS state was settled when it was opened (the {@code opened} facts: STARTTLS, protocol, cipher, the
 * certificate outcome) and stays for its life; only the mail transaction is new (RFC 5321 §3.3: after
 * the end of DATA the session is ready for the next MAIL).
 */
public final class SmtpConnection {
    private final Transport transport;
    private final Properties properties;
    private final TlsPlan plan;
    private final AttemptObservation opened;
    private final boolean requireTlsOffered;

    SmtpConnection(Transport transport, Properties properties, TlsPlan plan, AttemptObservation opened, boolean requireTlsOffered) {
        this.transport = transport;
        this.properties = properties;
        this.plan = plan;
        this.opened = opened;
        this.requireTlsOffered = requireTlsOffered;
    }

    /**
     * Whether this connection may carry a mail whose sender demanded REQUIRETLS (RFC 8689 §4.2.1): its TLS was
     * authenticated by its plan and the peer listed REQUIRETLS in its EHLO reply after STARTTLS.
     */
    public boolean meetsRequireTls() {
        return requireTlsOffered && SenderDemandRules.authenticates(plan);
    }

    /** The plan the connection was opened under (the clear-text fallback plan for a {@code may} connection in clear). */
    public TlsPlan plan() {
        return plan;
    }

    /** Whether the peer still answers: JavaMail sends NOOP (RFC 5321 §4.1.1.9) and closes the connection when it fails. */
    public boolean stillOpen() {
        return transport.isConnected();
    }

    /** Runs the next mail transaction on this connection. */
    public AttemptObservation send(SmtpAttempt.Envelope envelope) {
        // The session keeps our Properties object (read at each MAIL), and a connection is used by one delivery at a time.
        TransactionResult transaction = SmtpAttempt.transaction(transport, properties, envelope);
        return new AttemptObservation(opened.ip(), opened.startTlsOffered(), opened.stage(), opened.protocol(), opened.cipher(),
            opened.certificate(), Optional.empty(), transaction);
    }

    /** Ends the session with QUIT (RFC 5321 §4.1.1.10) and closes the socket. */
    public void close() {
        try {
            transport.close();
        } catch (MessagingException e) {
            // QUIT on a connection that is going away anyway: nothing to record.
        }
    }
}
