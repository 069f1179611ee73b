package dev.jamestls.it.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSL's {@code s_client}, a client that is not Java, against an SMTP
 * listener with STARTTLS (RFC 3207): which cipher suite the server accepts, and
 * whether it lets the client renegotiate a TLS 1.2 session. Every wait is bounded.
 */
final class OpenSslClient {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What one s_client run printed (stdout and stderr) and how it ended. */
    record Run(int exitCode, List<String> lines) {
        /** The negotiated suite in OpenSSL's spelling ({@code -brief}: "Ciphersuite: ..."). */
        Optional<String> cipher() {
            return value("Ciphersuite: ");
        }

        Optional<String> protocol() {
            return value("Protocol version: ");
        }

        private Optional<String> value(String prefix) {
            return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length())).findFirst();
        }

        String text() {
            return String.join("\n", lines);
        }
    }

    private OpenSslClient() {
    }

    /** EHLO, STARTTLS, a TLS 1.2 handshake offering only {@code cipher} (OpenSSL name, e.g. AES128-SHA), then QUIT. */
    static Run tls12Handshake(int port, String cipher) throws IOException, InterruptedException {
        Process process = start(port, "-cipher", cipher);
        process.getOutputStream().close();
        return finish(process, CompletableFuture.supplyAsync(() -> readAll(process)));
    }

    /**
     * After a TLS 1.2 handshake, asks to renegotiate (s_client's "R" command), then sends NOOP: a server that
     * refuses client-initiated renegotiation ends the connection, one that allows it answers the NOOP with 250.
     */
    static Run renegotiateThenNoop(int port) throws IOException, InterruptedException {
        Process process = start(port);
        List<String> lines = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = process.getOutputStream();
        CompletableFuture<List<String>> dialogue = CompletableFuture.supplyAsync(() -> {
            try {
                boolean renegotiating = false;
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                    if (line.startsWith("Ciphersuite: ")) {
                        in.write("R\n".getBytes(StandardCharsets.US_ASCII));
                        in.flush();
                    } else if (line.equals("RENEGOTIATING") && !renegotiating) {
                        renegotiating = true;
                        in.write("NOOP\n".getBytes(StandardCharsets.US_ASCII));
                        in.flush();
                    } else if (renegotiating && line.startsWith("250 2.0.0")) {
                        in.close();
                    }
                }
            } catch (IOException e) {
                lines.add("(client side: " + e + ")");
            }
            return lines;
        });
        return finish(process, dialogue);
    }

    private static Process start(int port, String... extra) throws IOException {
        assertThat(OPENSSL).as("openssl is required for these tests: apt-get install -y openssl (.ci/run does)").exists();
        List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client", "-connect", "127.0.0.1:" + port,
            "-starttls", "smtp", "-tls1_2", "-brief", "-crlf", "-servername", "localhost"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static List<String> readAll(Process process) {
        try {
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of("(client side: " + e + ")");
        }
    }

    private static Run finish(Process process, CompletableFuture<List<String>> output) throws InterruptedException {
        Instant deadline = Instant.now().plus(TIMEOUT);
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try {
            long left = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            return new Run(process.exitValue(), output.get(left, TimeUnit.MILLISECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return new Run(process.exitValue(), List.of("(no output: " + e + ")"));
        }
    }
}
