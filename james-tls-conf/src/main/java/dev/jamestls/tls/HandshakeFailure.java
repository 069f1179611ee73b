package dev.jamestls.tls;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

/**
 * Why a TLS handshake failed, in words that do not depend on the JDK update.
 * The JDK reports a fatal alert from the peer as prose whose shape changed within
 * JDK 17 ({@code Received fatal alert: protocol_version}, later
 * {@code (protocol_version) Received fatal alert: protocol_version}); the alert
 * itself (RFC 8446 §6) is the fact, so it is taken from the closed list of
 * alert names and the prose is dropped. A failure we raised ourselves keeps the
 * JDK's detail without the alert prefix that only some updates add. A connection
 * that ended without an alert (a reset, or end of stream in the middle of the
 * handshake) is named {@link #CONNECTION_CLOSED}, whatever words the JDK used.
 *
 * @param peerAlert the fatal alert the peer sent, when the peer ended the handshake
 * @param detail    what went wrong otherwise (exception detail), empty when the alert says it all
 */
public record HandshakeFailure(Optional<TlsAlert> peerAlert, String detail) {
    /** The JDK's words for an alert received from the peer, on every JDK 17+ update. */
    private static final Pattern RECEIVED = Pattern.compile("Received fatal alert: ([a-z_]+)");
    /** The alert prefix later JDK updates put before a message: {@code (handshake_failure) ...}. */
    private static final Pattern PREFIX = Pattern.compile("^\\(([a-z_]+)\\) ");
    private static final int MAX_CAUSES = 16;
    /** The detail of a handshake whose connection ended without a TLS alert. */
    public static final String CONNECTION_CLOSED = "connection closed without a TLS alert";

    public HandshakeFailure {
        Objects.requireNonNull(peerAlert, "peerAlert");
        Objects.requireNonNull(detail, "detail");
    }

    /** Reads a handshake failure: the first TLS exception of the cause chain, else the failure itself. */
    public static HandshakeFailure of(Throwable failure) {
        Throwable tls = firstCause(failure, SSLException.class::isInstance).orElse(failure);
        String message = tls.getMessage() == null ? "" : tls.getMessage().trim();
        Matcher received = RECEIVED.matcher(message);
        if (received.find()) {
            Optional<TlsAlert> alert = TlsAlert.fromRfcName(received.group(1));
            if (alert.isPresent()) {
                return new HandshakeFailure(alert, "");
            }
        }
        // A reset (SocketException) or an early end of stream (EOFException) anywhere in the chain.
        if (firstCause(failure, t -> t instanceof java.net.SocketException || t instanceof java.io.EOFException).isPresent()) {
            return new HandshakeFailure(Optional.empty(), CONNECTION_CLOSED);
        }
        Matcher prefix = PREFIX.matcher(message);
        if (prefix.find() && TlsAlert.fromRfcName(prefix.group(1)).isPresent()) {
            message = message.substring(prefix.end());
        }
        return new HandshakeFailure(Optional.empty(), message.isEmpty() ? tls.getClass().getSimpleName() : message);
    }

    /** The first of {@code failure} and its causes (at most {@value #MAX_CAUSES} deep) that {@code wanted} accepts. */
    private static Optional<Throwable> firstCause(Throwable failure, java.util.function.Predicate<Throwable> wanted) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (wanted.test(t)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** {@code peer sent alert protocol_version}, or the detail. */
    public String describe() {
        return peerAlert.map(alert -> "peer sent alert " + alert.rfcName()).orElse(detail);
    }

    @Override
    public String toString() {
        return describe();
    }
}
