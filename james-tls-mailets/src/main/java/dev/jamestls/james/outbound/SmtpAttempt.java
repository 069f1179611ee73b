package dev.jamestls.james.outbound;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.verify.ChainVerifier;
import dev.jamestls.verify.VerifyingTrustManager;

/**
 * One SMTP attempt to one address with JavaMail: a new {@link Session} whose own properties hold our
 * socket factory objects and the plan's STARTTLS settings (only the {@code javax.mail} API and session
 * properties, so the James 3.9 transform needs no provider rename).
 */
public final class SmtpAttempt {
    private static final Pattern REPLY = Pattern.compile("^([45]\\d\\d)[ -].*", Pattern.DOTALL);

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

        public Envelope(String reversePath, Address[] recipients, MimeMessage message) {
            this.reversePath = reversePath;
            this.recipients = recipients.clone();
            this.message = message;
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

    public static AttemptObservation run(TlsPlan plan, InetSocketAddress endpoint, ClientSettings settings,
                                         ChainVerifier verifier, Envelope envelope) {
        AttemptTap tap = new AttemptTap(plan.tlsMandatory());
        Properties properties = new Properties();
        properties.put("mail.smtp.localhost", settings.heloName());
        properties.put("mail.smtp.connectiontimeout", String.valueOf(settings.connectTimeoutMillis()));
        properties.put("mail.smtp.timeout", String.valueOf(settings.readTimeoutMillis()));
        properties.put("mail.smtp.socketFactory", new TappedSocketFactory(tap));
        properties.put("mail.smtp.socketFactory.fallback", "false");
        properties.put("mail.smtp.ehlo", "true");
        properties.put("mail.smtp.sendpartial", "false");
        properties.put("mail.smtp.from", envelope.reversePath().isEmpty() ? "<>" : envelope.reversePath());
        properties.put("mail.smtp.starttls.enable", String.valueOf(plan.startTls()));
        properties.put("mail.smtp.starttls.required", String.valueOf(plan.tlsMandatory()));
        if (plan.startTls()) {
            properties.put("mail.smtp.ssl.socketFactory", new AttemptSslSocketFactory(context(plan, verifier, tap), plan, tap));
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
        try {
            try {
                transport.connect(ip, endpoint.getPort(), null, null);
            } catch (MessagingException e) {
                return failedBeforeTransaction(plan, tap, e);
            }
            TlsStage stage = stageAfterConnect(plan, tap);
            Optional<SSLSession> session1 = stage == TlsStage.ESTABLISHED ? tap.sslSocket().map(SSLSocket::getSession) : Optional.empty();
            if (plan.tlsMandatory() && stage != TlsStage.ESTABLISHED) {
                // JavaMail should have refused already (starttls.required); the tap's guard would refuse MAIL anyway.
                return observation(tap, stage, Optional.empty(), Optional.of("TLS not established"), TransactionResult.NOT_STARTED);
            }
            TransactionResult transaction;
            try {
                transport.sendMessage(envelope.message(), envelope.recipients());
                transaction = TransactionResult.SENT;
            } catch (MessagingException e) {
                transaction = reply(e).map(r -> TransactionResult.rejected(Integer.parseInt(r.substring(0, 3)), r))
                    .orElseGet(() -> TransactionResult.broken(describe(e)));
            }
            return observation(tap, stage, session1, Optional.empty(), transaction);
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                // QUIT failed after the outcome was known: nothing to record.
            }
        }
    }

    private static SSLContext context(TlsPlan plan, ChainVerifier verifier, AttemptTap tap) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager manager = new VerifyingTrustManager(verifier, plan.certificate().orElseThrow(),
                plan.certificateEnforcement(), tap::certificateChecked);
            context.init(null, new TrustManager[] {manager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context: " + e.getMessage(), e);
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
        if (tap.sslSocket().isPresent()) {
            boolean handshake = hasCause(e, SSLException.class) || tap.certificate().filter(c -> !c.accepted()).isPresent();
            return observation(tap, handshake ? TlsStage.HANDSHAKE_FAILED : TlsStage.ESTABLISHED, Optional.empty(),
                Optional.of(error), handshake ? TransactionResult.NOT_STARTED : TransactionResult.broken(error));
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

    private static AttemptObservation observation(AttemptTap tap, TlsStage stage, Optional<SSLSession> session,
                                                  Optional<String> error, TransactionResult transaction) {
        return new AttemptObservation(tap.connectedTo().map(address -> address.getHostAddress()), tap.startTlsOffered(), stage,
            session.map(SSLSession::getProtocol), session.map(SSLSession::getCipherSuite), tap.certificate(), error, transaction);
    }

    /** The first SMTP reply (4xx/5xx) in the exception chain: JavaMail puts the server's reply in the message. */
    static Optional<String> reply(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            String message = t.getMessage();
            if (message != null) {
                Matcher matcher = REPLY.matcher(message.strip());
                if (matcher.matches()) {
                    return Optional.of(message.strip().replaceAll("[\\r\\n]+", " "));
                }
            }
        }
        return Optional.empty();
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
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (text.length() > 600) {
                break;
            }
        }
        return text.toString().replaceAll("[\\r\\n]+", " ");
    }
}
