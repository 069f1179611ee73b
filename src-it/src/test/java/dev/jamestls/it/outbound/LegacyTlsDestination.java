package dev.jamestls.it.outbound;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.KeyType;

/**
 * A destination that speaks only old TLS, as a real peer in another JVM: the JDK refuses TLS 1.0/1.1 on
 * both ends of a connection (jdk.tls.disabledAlgorithms), so an in-JVM server limited to TLS 1.1 cannot
 * even send its refusal. The child JVM re-enables them for itself only and runs {@link TestSmtpServer}
 * limited to the given protocols; it reports on stdout, one fact a line: {@code PORT n}, then
 * {@code QUITS n}, {@code RECEIVED tls=<bool> rcpt=<list> <first data line>}, {@code CLEAR <line>} as they
 * happen. It exits when its stdin closes.
 */
final class LegacyTlsDestination implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final int port;

    private LegacyTlsDestination(Process process) throws IOException {
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("PORT ")) {
            throw new IllegalStateException("legacy destination did not start: " + first);
        }
        port = Integer.parseInt(first.substring("PORT ".length()));
        Thread reader = new Thread(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The child ended.
            }
        }, "legacy-tls-destination-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the child JVM with TLS 1.0/1.1 re-enabled for it alone. */
    static LegacyTlsDestination start(Path directory, String name, String... protocols) throws IOException {
        Path security = Files.writeString(directory.resolve("legacy-destination.security"), "jdk.tls.disabledAlgorithms=\n");
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.security.properties=" + security,
            "-cp", System.getProperty("java.class.path"),
            LegacyTlsDestination.class.getName(), name));
        command.addAll(List.of(protocols));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new LegacyTlsDestination(process);
    }

    int port() {
        return port;
    }

    int quits() {
        return lines.stream().filter(l -> l.startsWith("QUITS ")).mapToInt(l -> Integer.parseInt(l.substring(6))).max().orElse(0);
    }

    List<String> received() {
        return lines.stream().filter(l -> l.startsWith("RECEIVED ")).toList();
    }

    String clearText() {
        return String.join("\n", lines.stream().filter(l -> l.startsWith("CLEAR ")).map(l -> l.substring(6)).toList());
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
        }
    }

    /** The child: arguments are the host name, then the TLS protocols it enables. */
    public static void main(String[] args) throws Exception {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.root("CN=Legacy Test CA", now, KeyType.RSA_2048);
        var certificate = ca.leaf("CN=" + args[0]).keyType(KeyType.RSA_2048).dnsNames(args[0])
            .extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).validity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))).issue();
        try (TestSmtpServer server = TestSmtpServer.builder(args[0]).certificate(certificate)
            .protocols(List.of(args).subList(1, args.length).toArray(String[]::new)).start()) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            Thread watcher = new Thread(() -> report(server), "legacy-tls-destination-report");
            watcher.setDaemon(true);
            watcher.start();
            while (System.in.read() >= 0) {
                // Runs until the parent closes our stdin.
            }
        }
    }

    private static void report(TestSmtpServer server) {
        int quits = 0;
        int received = 0;
        int clear = 0;
        while (true) {
            if (server.quits() != quits) {
                quits = server.quits();
                System.out.println("QUITS " + quits);
            }
            List<TestSmtpServer.Received> all = server.received();
            for (; received < all.size(); received++) {
                TestSmtpServer.Received mail = all.get(received);
                System.out.println("RECEIVED tls=" + mail.overTls() + " rcpt=" + mail.rcptTo() + " "
                    + mail.data().lines().filter(l -> l.startsWith("Subject: ")).findFirst().orElse(""));
            }
            String text = server.clearText();
            int end = text.lastIndexOf('\n') + 1;
            if (end > clear) {
                text.substring(clear, end).lines().forEach(line -> System.out.println("CLEAR " + line.strip()));
                clear = end;
            }
            System.out.flush();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
