package dev.jamestls.james.outbound;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.SendFailedException;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPSenderFailedException;
import com.sun.mail.smtp.SMTPTransport;

import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.RecipientRefusal;
import dev.jamestls.outbound.SenderDemandRules;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.smtp.PeerReply;
import dev.jamestls.tls.HandshakeFailure;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerificationOutcome;
import dev.jamestls.verify.VerifyingTrustManager;

/**
 * One SMTP attempt to one address with JavaMail: a new {@link Session} whose own properties hold our
 * socket factory objects and the plan's STARTTLS settings. The peer's refusals are read as values from the
 * provider's exceptions ({@code SMTPSendFailedException}, {@code SMTPSenderFailedException},
 * {@code SMTPAddressFailedException}: reply code and reply), never parsed out of exception text; for James 3.9
 * the transform renames their package to Angus Mail's ({@code angus-renames.properties}). TLS runs over the rule's shared
 * context ({@link ClientTlsContexts}), so a later attempt to the same host may resume the session. A
 * connection that delivered its mail is handed back open ({@link SmtpConnection}) for reuse.
 */
public final class SmtpAttempt {
    /** The SMTP service extension keyword and MAIL FROM parameter of RFC 8689 §2. */
    static final String REQUIRETLS = "REQUIRETLS";
    /** RFC 5321 §4.1.1.1: the EHLO reply that lists the server's extensions. */
    private static final int EHLO_OK = 250;

    /**
     * @param heloName the name sent in EHLO
     * @param connectTimeoutMillis TCP connect timeout
     * @param readTimeoutMillis socket read timeout
     */
    public record ClientSettings(String heloName, int connectTimeoutMillis, int readTimeoutMillis) {
    }

    /**
     * An envelope and its message. A class, not a record: the Eclipse Transformer (1.0.0) does
     * not rewrite the descriptors of a record's Record attribute, which would leave
     * {@code javax.mail} references in the James 3.9 jar.
     */
    public static final class Envelope {
        private final String reversePath;
        private final Address[] recipients;
        private final MimeMessage message;
        private final boolean requireTls;

        public Envelope(String reversePath, Address[] recipients, MimeMessage message) {
            this(reversePath, recipients, message, false);
        }

        /**
         * @param requireTls whether the sender demanded REQUIRETLS (RFC 8689 §4.2.1): the peer must list it in its EHLO reply
         *     after STARTTLS, and our MAIL FROM carries it on
         */
        public Envelope(String reversePath, Address[] recipients, MimeMessage message, boolean requireTls) {
            this.reversePath = reversePath;
            this.recipients = recipients.clone();
            this.message = message;
            this.requireTls = requireTls;
        }

        public boolean requireTls() {
            return requireTls;
        }

        public String reversePath() {
            return reversePath;
        }

        public Address[] recipients() {
            return recipients.clone();
        }

        public MimeMessage message() {
            return message;
        }
    }

    private SmtpAttempt() {
    }

    /**
     * What an attempt produced.
     *
     * @param observation the raw facts, for classification
     * @param connection the still-open connection after a sent mail: the caller keeps it for the next mail or closes it
     * @param resumed whether TLS resumed an earlier session (no certificate was sent; the chain was checked again)
     */
    public record Result(AttemptObservation observation, Optional<SmtpConnection> connection, boolean resumed) {
    }

    public static Result run(String rule, TlsPlan plan, InetSocketAddress endpoint, ClientSettings settings,
                             ChainVerifier verifier, ClientTlsContexts contexts, Envelope envelope) {
        if (envelope.requireTls() && !SenderDemandRules.authenticates(plan)) {
            // DeliveryRound never asks this; should it, nothing is sent under a plan that cannot meet RFC 8689 §4.2.1.
            return new Result(new AttemptObservation(Optional.empty(), false, TlsStage.NOT_ATTEMPTED, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), TransactionResult.withheld("REQUIRETLS needs an authenticating plan, not "
                    + plan.describe())), Optional.empty(), false);
        }
        AttemptTap tap = new AttemptTap(plan.tlsMandatory());
        Properties properties = new Properties();
        properties.put("mail.smtp.localhost", settings.heloName());
        properties.put("mail.smtp.connectiontimeout", String.valueOf(settings.connectTimeoutMillis()));
        properties.put("mail.smtp.timeout", String.valueOf(settings.readTimeoutMillis()));
        properties.put("mail.smtp.socketFactory", new TappedSocketFactory(tap));
        properties.put("mail.smtp.socketFactory.fallback", "false");
        properties.put("mail.smtp.ehlo", "true");
        // RFC 5321 §3.3: recipients are accepted or refused one by one; the message goes to the accepted ones.
        properties.put("mail.smtp.sendpartial", "true");
        // The check before reusing a connection is NOOP (RFC 5321 §4.1.1.9), strictly 250.
        properties.put("mail.smtp.userset", "false");
        properties.put("mail.smtp.noop.strict", "true");
        properties.put("mail.smtp.from", reversePath(envelope));
        properties.put("mail.smtp.starttls.enable", String.valueOf(plan.startTls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(plan.tlsMandatory()));
        ClientTlsContexts.Shared shared = plan.startTls() ? contexts.forPlan(rule, plan) : null;
        if (shared != null) {
            properties.put("mail.smtp.ssl.socketFactory", new AttemptSslSocketFactory(shared, plan, tap));
            // Name checks are the trust manager's, per level (SPEC §1.3); JavaMail's would check the IP we connect to.
            properties.put("mail.smtp.ssl.checkserveridentity", "false");
        }
        Session session = Session.getInstance(properties);
        String ip = endpoint.getAddress().getHostAddress();
        Transport transport;
        try {
            transport = session.getTransport("smtp");
        } catch (MessagingException e) {
            throw new IllegalStateException("no SMTP provider in this James: " + e.getMessage(), e);
        }
        boolean keepOpen = false;
        try {
            try {
                transport.connect(ip, endpoint.getPort(), null, null);
            } catch (MessagingException e) {
                return new Result(failedBeforeTransaction(plan, tap, e), Optional.empty(), false);
            }
            TlsStage stage = stageAfterConnect(plan, tap);
            Optional<SSLSession> tls = stage == TlsStage.ESTABLISHED ? tap.sslSocket().map(SSLSocket::getSession) : Optional.empty();
            boolean resumed = tls.isPresent() && tap.certificate().isEmpty();
            if (resumed) {
                // RFC 8446 §2.2 / RFC 5077: a resumed handshake sends no certificate and the JDK does not call the
                // trust manager. The session comes from this rule's own context, so it was verified under the same
                // requirement; its peer chain is verified again now (cached, cheap), so expiry or revocation since
                // then, or a session first accepted only for the record, is not carried over.
                VerificationOutcome fresh = verifier.verify(peerChain(tls.get()), plan.certificate().orElseThrow());
                tap.certificateChecked(fresh);
                if (plan.onCertificateFailure() == VerifyingTrustManager.OnFailure.FAIL_HANDSHAKE && !fresh.accepted()) {
                    tls.get().invalidate();
                    return new Result(observation(tap, TlsStage.HANDSHAKE_FAILED, Optional.empty(), Optional.of(fresh.message()),
                        TransactionResult.NOT_STARTED), Optional.empty(), true);
                }
            }
            if (plan.tlsMandatory() && stage != TlsStage.ESTABLISHED) {
                // JavaMail should have refused already (starttls.required); the tap's guard would refuse MAIL anyway.
                return new Result(observation(tap, stage, Optional.empty(), Optional.of("TLS not established"),
                    TransactionResult.NOT_STARTED), Optional.empty(), resumed);
            }
            boolean requireTlsOffered = requireTlsOffered(transport, stage);
            if (envelope.requireTls() && !requireTlsOffered) {
                // RFC 8689 §4.2.1 step 4: only the EHLO reply after STARTTLS counts, never the clear-text one, which a man in
                // the middle may have written (see requireTlsOffered). QUIT, no MAIL.
                return new Result(observation(tap, stage, tls, Optional.empty(), TransactionResult.withheld(
                    "the EHLO reply after STARTTLS does not list REQUIRETLS (RFC 8689 §4.2.1)")), Optional.empty(), resumed);
            }
            TransactionResult transaction = transaction(transport, properties, envelope);
            AttemptObservation seen = observation(tap, stage, tls, Optional.empty(), transaction);
            if (transaction.kind() == TransactionResult.Kind.SENT) {
                keepOpen = true;
                return new Result(seen, Optional.of(new SmtpConnection(transport, properties, plan, seen, requireTlsOffered)), resumed);
            }
            return new Result(seen, Optional.empty(), resumed);
        } finally {
            if (shared != null) {
                tap.sslSocket().ifPresent(shared::done);
            }
            if (!keepOpen) {
                try {
                    transport.close();
                } catch (MessagingException e) {
                    // QUIT failed after the outcome was known: nothing to record.
                }
            }
        }
    }

    static String reversePath(Envelope envelope) {
        return envelope.reversePath().isEmpty() ? "<>" : envelope.reversePath();
    }

    /**
     * Whether the peer listed REQUIRETLS in its EHLO reply over TLS (RFC 8689 §2, §4.2.1). JavaMail sends EHLO again
     * after STARTTLS but ignores its outcome: when that EHLO is refused it keeps the capabilities of the clear-text
     * reply, which a man in the middle may have written. So the list counts only when the last reply JavaMail read, the
     * one to that EHLO (no command follows it while connecting: we give no credentials), was 250 (RFC 5321 §4.1.1.1).
     */
    private static boolean requireTlsOffered(Transport transport, TlsStage stage) {
        return stage == TlsStage.ESTABLISHED && transport instanceof SMTPTransport smtp
            && smtp.getLastReturnCode() == EHLO_OK && smtp.supportsExtension(REQUIRETLS);
    }

    /**
     * MAIL, RCPT, DATA of one message (RFC 5321 §3.3) and how it ended, per recipient when the peer refused some. The
     * MAIL command carries {@code REQUIRETLS} when the sender demanded it (RFC 8689 §2, §4.2.1), nothing else otherwise:
     * JavaMail reads {@code mail.smtp.from} and {@code mail.smtp.mailextension} from the session's properties at each
     * MAIL, so a kept connection sends each mail with its own.
     */
    static TransactionResult transaction(Transport transport, Properties properties, Envelope envelope) {
        properties.put("mail.smtp.from", reversePath(envelope));
        if (envelope.requireTls()) {
            properties.put("mail.smtp.mailextension", REQUIRETLS);
        } else {
            properties.remove("mail.smtp.mailextension");
        }
        return transaction(transport, envelope);
    }

    /** MAIL, RCPT, DATA of one message (RFC 5321 §3.3) and how it ended, per recipient when the peer refused some. */
    static TransactionResult transaction(Transport transport, Envelope envelope) {
        try {
            transport.sendMessage(envelope.message(), envelope.recipients());
            return TransactionResult.SENT;
        } catch (MessagingException e) {
            List<RecipientRefusal> refused = e instanceof SendFailedException failed && refusedAtRcpt(failed)
                ? refusals(envelope, failed) : List.of();
            if (!refused.isEmpty() && sentToSome((SendFailedException) e)) {
                // JavaMail with sendpartial: the message went to the accepted recipients.
                return TransactionResult.sentExcept(refused);
            }
            if (!refused.isEmpty()) {
                // No recipient accepted: temporary while any refusal is (RFC 5321 §4.2.1), so the next host may try.
                RecipientRefusal first = refused.stream().filter(r -> !r.permanent()).findFirst().orElse(refused.get(0));
                return TransactionResult.rejected(first.reply(), refused);
            }
            return peerReply(e).map(TransactionResult::rejected).orElseGet(() -> TransactionResult.broken(describe(e)));
        }
    }

    /**
     * Each refused recipient with the peer's reply to its RCPT. JavaMail lists the refused addresses (5xx
     * "invalid", 4xx "valid unsent") and chains one {@link SMTPAddressFailedException} per refused RCPT, which
     * names the address, the reply code and the reply; a refusal whose exception is missing gets the bare code
     * of its list.
     */
    private static List<RecipientRefusal> refusals(Envelope envelope, SendFailedException failed) {
        Set<String> invalid = addresses(failed.getInvalidAddresses());
        Set<String> unsent = addresses(failed.getValidUnsentAddresses());
        Map<String, PeerReply> replies = new HashMap<>();
        for (Throwable t = failed.getNextException(); t != null; t = next(t)) {
            if (t instanceof SMTPAddressFailedException rcpt && rcpt.getAddress() != null && isRefusal(rcpt.getReturnCode())) {
                replies.putIfAbsent(rcpt.getAddress().getAddress(), PeerReply.of(rcpt.getReturnCode(), rcpt.getMessage()));
            }
        }
        List<RecipientRefusal> refusals = new ArrayList<>();
        for (String recipient : Arrays.stream(envelope.recipients()).map(SmtpAttempt::address)
            .filter(a -> invalid.contains(a) || unsent.contains(a)).toList()) {
            int fallbackCode = invalid.contains(recipient) ? 550 : 450;
            refusals.add(new RecipientRefusal(recipient, replies.getOrDefault(recipient,
                PeerReply.of(fallbackCode, "(the peer's reply to RCPT was not kept)"))));
        }
        return refusals;
    }

    /**
     * Whether JavaMail's address lists are RCPT results: after a partial delivery (some sent), or when no recipient
     * was accepted (JavaMail's own "Invalid Addresses", not an {@link SMTPSendFailedException} carrying a reply).
     * A failure at MAIL or DATA lists the accepted recipients as "valid unsent" too, so there the mail fails as a whole.
     */
    private static boolean refusedAtRcpt(SendFailedException failed) {
        return sentToSome(failed) || !(failed instanceof SMTPSendFailedException);
    }

    private static boolean sentToSome(SendFailedException failed) {
        return failed.getValidSentAddresses() != null && failed.getValidSentAddresses().length > 0;
    }

    private static Set<String> addresses(Address[] addresses) {
        return addresses == null ? Set.of() : Arrays.stream(addresses).map(SmtpAttempt::address).collect(Collectors.toSet());
    }

    private static String address(Address address) {
        return address instanceof InternetAddress internet ? internet.getAddress() : address.toString();
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            return Arrays.stream(session.getPeerCertificates()).filter(X509Certificate.class::isInstance)
                .map(X509Certificate.class::cast).toList();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    private static TlsStage stageAfterConnect(TlsPlan plan, AttemptTap tap) {
        if (!plan.startTls()) {
            return TlsStage.NOT_ATTEMPTED;
        }
        if (tap.sslSocket().isPresent()) {
            return TlsStage.ESTABLISHED;
        }
        return tap.startTlsSent() ? TlsStage.REFUSED : TlsStage.NOT_OFFERED;
    }

    private static AttemptObservation failedBeforeTransaction(TlsPlan plan, AttemptTap tap, MessagingException e) {
        String error = describe(e);
        if (tap.connectedTo().isEmpty()) {
            return observation(tap, TlsStage.CONNECT_FAILED, Optional.empty(), Optional.of(error), TransactionResult.NOT_STARTED);
        }
        Optional<String> versionRefused = tap.protocolVersionRefusal();
        if (tap.sslSocket().isPresent() && versionRefused.isPresent()) {
            // Read from the handshake's clear-text records (alert, ServerHello version), not from the JDK's message text.
            return observation(tap, TlsStage.PROTOCOL_VERSION, Optional.empty(), versionRefused, TransactionResult.NOT_STARTED);
        }
        if (tap.sslSocket().isPresent() && tap.clientCertificateRequest().isPresent()
            && tap.certificate().filter(c -> !c.accepted()).isEmpty()) {
            // The destination asked for a client certificate and ended the connection before its first reply over TLS:
            // TLS 1.2 alerts handshake_failure during the handshake, TLS 1.3 alerts certificate_required (RFC 8446 §4.4.2.4)
            // after our Finished, so our EHLO meets a closed connection. Decided on what we saw (the CertificateRequest our
            // key manager answered), not on the JDK's exception text.
            return observation(tap, TlsStage.CLIENT_CERTIFICATE_REQUIRED, Optional.empty(), Optional.of(clientCertificateRefused(plan, tap)),
                TransactionResult.NOT_STARTED);
        }
        if (tap.sslSocket().isPresent()) {
            boolean handshake = hasCause(e, SSLException.class) || tap.certificate().filter(c -> !c.accepted()).isPresent();
            if (handshake) {
                return observation(tap, TlsStage.HANDSHAKE_FAILED, Optional.empty(), Optional.of(HandshakeFailure.of(e).describe()),
                    TransactionResult.NOT_STARTED);
            }
            return observation(tap, TlsStage.ESTABLISHED, Optional.empty(), Optional.of(error), TransactionResult.broken(error));
        }
        if (tap.startTlsSent()) {
            return observation(tap, TlsStage.REFUSED, Optional.empty(), Optional.of(tap.startTlsReply().orElse(error)),
                TransactionResult.NOT_STARTED);
        }
        if (plan.startTls() && tap.ehloDone() && !tap.startTlsOffered()) {
            return observation(tap, TlsStage.NOT_OFFERED, Optional.empty(), Optional.of(error), TransactionResult.NOT_STARTED);
        }
        return observation(tap, TlsStage.CONNECT_FAILED, Optional.empty(), Optional.of(error), TransactionResult.NOT_STARTED);
    }

    private static String clientCertificateRefused(TlsPlan plan, AttemptTap tap) {
        String asked = "the destination asked for a client certificate (key types " + String.join(", ",
            tap.clientCertificateRequest().orElseThrow()) + ") and ended the connection before its first reply over TLS; ";
        if (tap.presentedIdentity().isPresent()) {
            return asked + "we presented " + tap.presentedIdentity().get().describe() + ", which it did not accept";
        }
        return asked + plan.clientIdentity().map(identity -> "we presented none: our identity's " + identity.key().getAlgorithm()
            + " key suits none of the requested key types (" + identity.describe() + ")")
            .orElse("we presented none: no client identity is configured (clientCertificates/clientKeystore, or the rule's <clientIdentity>)");
    }

    private static AttemptObservation observation(AttemptTap tap, TlsStage stage, Optional<SSLSession> session,
                                                  Optional<String> error, TransactionResult transaction) {
        return new AttemptObservation(tap.connectedTo().map(address -> address.getHostAddress()), tap.startTlsOffered(), stage,
            session.map(SSLSession::getProtocol), session.map(SSLSession::getCipherSuite), tap.certificate(), error, transaction,
            tap.connectedFrom().map(address -> address.getHostAddress()));
    }

    /**
     * The first refusal (4xx/5xx, RFC 5321 §4.2.1) the peer sent in the exception chain, from the values the
     * SMTP provider kept with it: the reply code it read and the reply (MAIL, RCPT, DATA, end of data).
     */
    static Optional<PeerReply> peerReply(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            OptionalInt code = t instanceof SMTPSendFailedException send ? OptionalInt.of(send.getReturnCode())
                : t instanceof SMTPSenderFailedException sender ? OptionalInt.of(sender.getReturnCode())
                : t instanceof SMTPAddressFailedException rcpt ? OptionalInt.of(rcpt.getReturnCode())
                : OptionalInt.empty();
            if (code.isPresent() && isRefusal(code.getAsInt())) {
                return Optional.of(PeerReply.of(code.getAsInt(), t.getMessage()));
            }
        }
        return Optional.empty();
    }

    /** RFC 5321 §4.2.1: 4yz transient and 5yz permanent negative completion replies. */
    private static boolean isRefusal(int code) {
        return code >= 400 && code <= 599;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException messaging && messaging.getNextException() != null
            && messaging.getNextException() != t) {
            return messaging.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = next(t)) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            // A TLS failure reads the same on every JDK update: the peer's alert, or the detail without the JDK's alert prefix.
            text.append(t.getClass().getSimpleName()).append(": ").append(t instanceof SSLException ? HandshakeFailure.of(t).describe() : t.getMessage());
            if (text.length() > 600) {
                break;
            }
        }
        return text.toString().replaceAll("[\\r\\n]+", " ");
    }
}
