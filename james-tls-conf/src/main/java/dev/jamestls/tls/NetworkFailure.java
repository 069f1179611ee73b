package dev.jamestls.tls;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;

/**
 * Why a connection or a read failed below TLS and SMTP, as a kind that does not depend on the JDK update or
 * the operating system (their words differ: {@code Connection refused}, {@code connect timed out},
 * {@code Read timed out}, or no words at all from the JDK's HTTP client). Classified by the exception's type
 * anywhere in the cause chain; what no kind covers keeps the exception's own words.
 */
public enum NetworkFailure implements Spelled {
    /** The peer's address answered that nothing listens on the port (TCP reset to our SYN). */
    CONNECTION_REFUSED,
    /** No answer in time: to connect, or to a read. */
    TIMED_OUT,
    /** No route to the peer's address. */
    NO_ROUTE_TO_HOST,
    /** The name has no address. */
    UNKNOWN_HOST,
    /** The peer closed or reset the connection. */
    CONNECTION_CLOSED;

    private static final int MAX_CAUSES = 16;

    /** The kind of {@code failure}, if it is one of ours. */
    public static Optional<NetworkFailure> of(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSES; depth++, cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof HttpTimeoutException) {
                return Optional.of(TIMED_OUT);
            }
            if (cause instanceof ConnectException) {
                return Optional.of(CONNECTION_REFUSED);
            }
            if (cause instanceof NoRouteToHostException) {
                return Optional.of(NO_ROUTE_TO_HOST);
            }
            if (cause instanceof UnknownHostException) {
                return Optional.of(UNKNOWN_HOST);
            }
            if (cause instanceof EOFException || cause instanceof SocketException) {
                return Optional.of(CONNECTION_CLOSED);
            }
        }
        return Optional.empty();
    }

    /**
     * Printable words for {@code failure}: the kind's spelling ({@code connection-refused}, {@code timed-out}, ...)
     * when it has one, else the exception's message, else its class name.
     */
    public static String describe(Throwable failure) {
        return of(failure).map(NetworkFailure::spelling).orElseGet(() -> {
            String message = failure.getMessage();
            return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
        });
    }
}
