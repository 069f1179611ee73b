package dev.jamestls.sandbox;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.pki.IssuedCertificate;

/**
 * One scripted mail: where and how to send it, and what to send.
 *
 * @param port SMTP port on 127.0.0.1
 * @param security clear text, STARTTLS or implicit TLS
 * @param protocols TLS protocols the client offers (empty: the JDK's defaults)
 * @param clientCertificate the certificate to present when the server asks for one
 * @param sender envelope sender
 * @param recipient envelope recipient
 * @param subject Subject header; also how the mail is found again in James's repositories
 */
public record SmtpSubmission(int port, SmtpSecurity security, List<String> protocols,
                             Optional<IssuedCertificate> clientCertificate,
                             String sender, String recipient, String subject) {

    public SmtpSubmission {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, got " + port);
        }
        Objects.requireNonNull(security, "security");
        protocols = List.copyOf(protocols);
        Objects.requireNonNull(clientCertificate, "clientCertificate");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(subject, "subject");
        if (security == SmtpSecurity.CLEAR_TEXT && (!protocols.isEmpty() || clientCertificate.isPresent())) {
            throw new IllegalArgumentException("a clear-text submission has no TLS protocols or client certificate");
        }
    }

    /** The message: RFC 5322 headers and a short body, CRLF line ends. */
    public String message() {
        return "From: <" + sender + ">\r\n"
            + "To: <" + recipient + ">\r\n"
            + "Subject: " + subject + "\r\n"
            + "\r\n"
            + "Sent by the james-tls sandbox (" + security.label() + ").\r\n";
    }
}
