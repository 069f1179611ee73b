package dev.jamestls.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NetworkFailureTest {
    static Stream<Arguments> failures() {
        return Stream.of(
            Arguments.of(new ConnectException("Connection refused"), Optional.of(NetworkFailure.CONNECTION_REFUSED)),
            Arguments.of(new ConnectException(), Optional.of(NetworkFailure.CONNECTION_REFUSED)),
            Arguments.of(new SocketTimeoutException("Read timed out"), Optional.of(NetworkFailure.TIMED_OUT)),
            Arguments.of(new SocketTimeoutException("connect timed out"), Optional.of(NetworkFailure.TIMED_OUT)),
            Arguments.of(new HttpConnectTimeoutException("HTTP connect timed out"), Optional.of(NetworkFailure.TIMED_OUT)),
            Arguments.of(new HttpTimeoutException("request timed out"), Optional.of(NetworkFailure.TIMED_OUT)),
            Arguments.of(new NoRouteToHostException("No route to host"), Optional.of(NetworkFailure.NO_ROUTE_TO_HOST)),
            Arguments.of(new UnknownHostException("ocsp.ca.test"), Optional.of(NetworkFailure.UNKNOWN_HOST)),
            Arguments.of(new SocketException("Connection reset"), Optional.of(NetworkFailure.CONNECTION_CLOSED)),
            Arguments.of(new EOFException(), Optional.of(NetworkFailure.CONNECTION_CLOSED)),
            // the JDK's HTTP client wraps what happened
            Arguments.of(new IOException("wrapped", new ConnectException()), Optional.of(NetworkFailure.CONNECTION_REFUSED)),
            Arguments.of(new IOException("HTTP 404"), Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void classifiesByTypeWhateverTheWords(Exception failure, Optional<NetworkFailure> kind) {
        assertThat(NetworkFailure.of(failure)).isEqualTo(kind);
    }

    @Test
    void describesAKindByItsSpellingAndAnythingElseByItsOwnWords() {
        assertThat(NetworkFailure.describe(new ConnectException())).isEqualTo("connection-refused");
        assertThat(NetworkFailure.describe(new IOException("HTTP 404"))).isEqualTo("HTTP 404");
        assertThat(NetworkFailure.describe(new IOException())).isEqualTo("IOException");
    }

    @Test
    void aRealClosedPortIsRefused() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closed), 2_000);
        } catch (IOException e) {
            assertThat(NetworkFailure.of(e)).contains(NetworkFailure.CONNECTION_REFUSED);
            return;
        }
        throw new AssertionError("a closed loopback port accepted a connection");
    }
}
