package dev.jamestls.it.bench;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.outbound;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.jamestls.it.bench.OutboundRounds.Round;
import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.TestPki;
import dev.jamestls.it.harness.TestSmtpServer;
import dev.jamestls.it.harness.TlsRemoteDeliveryXml;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.policy.OutboundLevel;

/**
 * Outbound load harness (a benchmark, not a test): deliveries per second from one real James
 * 3.8.1 to one loopback STARTTLS destination, through our {@code TlsRemoteDelivery} at level {@code verify}
 * versus James's stock {@code RemoteDelivery} with {@code startTLS=true}, in the same James, the same run,
 * with the same message set, in alternating rounds (ours, stock, stock, ours, ...), so drift on a shared
 * machine falls on both.
 *
 * <p>A round submits {@code bench.outbound.messages} mails over {@code bench.outbound.submitters} SMTP
 * sessions to James and measures from the first submission until the destination has accepted the last
 * one; the root processor routes each mail by recipient domain to one of the two delivery mailets. Both
 * mailets use 4 delivery threads. What each one verifies: ours checks the chain against the test CA
 * ({@code trustAnchors}) and the MX host name; stock RemoteDelivery checks the chain through the JVM
 * trust store (this JVM's {@code javax.net.ssl.trustStore} is set to the test CA for it; our mailet never
 * reads the JVM trust store) but no host name: its gateway is {@code 127.0.0.1} (a gateway name would be
 * resolved by the JVM's resolver, i.e. real DNS) and James's {@code verifyServerIdentity} would check the
 * certificate against that IP address, so it is {@code false}. Ours does strictly more work. Stock also gets
 * {@code mail.smtp.starttls.required=true}, so neither may fall back to clear text. Before measuring, a
 * pre-flight mail per mailet must arrive over TLS.
 *
 * <p>Run: {@code mvn -B -pl src-it -am -Pbench process-test-classes} (execution {@code outbound-bench});
 * sizes {@code -Dbench.outbound.messages=300 -Dbench.outbound.rounds=3}. Writes a JSON summary to
 * {@code bench.outbound.output}.
 */
public final class OutboundDeliveryBenchmark {
    static final String MX = "mx.bench.dest.example";
    static final String OURS = "ours.bench.example";
    static final String STOCK = "stock.bench.example";

    private OutboundDeliveryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = Integer.getInteger("bench.outbound.messages", 300);
        int rounds = Integer.getInteger("bench.outbound.rounds", 3);
        int warmup = Integer.getInteger("bench.outbound.warmupRounds", 1);
        int submitters = Integer.getInteger("bench.outbound.submitters", 4);
        Path output = Path.of(System.getProperty("bench.outbound.output", "target/bench/outbound-delivery.json"));

        TestPki pki = new TestPki();
        // For stock RemoteDelivery only (see the class comment); set before anything creates the default SSLContext.
        Path trustStore = jvmTrustStore(pki);
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestPki.PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");

        TestSmtpServer destination = TestSmtpServer.builder(MX).certificate(pki.intermediate.leaf("CN=" + MX + ",O=destination")
            .dnsNames(MX).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue()).start();
        int port = destination.port();
        InProcessJames james = InProcessJames.builder()
            .pki(pki)
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .confFile("tls-policy.xml", PolicyXml.opportunistic()
                .connector(connector("bench-verify").outbound(outbound(OutboundLevel.VERIFY).recipientDomain(OURS)))
                .xml())
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(new DeliveryEndpoints() {
                @Override
                public java.net.InetSocketAddress endpoint(DeliveryTarget target, java.net.InetAddress address) {
                    if (!target.host().ascii().equals(MX) || !address.isLoopbackAddress()) {
                        throw new IllegalStateException("benchmark delivers only to " + MX + " on loopback, not " + target);
                    }
                    return new java.net.InetSocketAddress(address, port);
                }
            }))
            .rootProcessor("""
                      <mailet match="HostIs=%s" class="ToProcessor"><processor>ours</processor></mailet>
                      <mailet match="HostIs=%s" class="ToProcessor"><processor>stock</processor></mailet>
                      <mailet match="All" class="Null"/>
                """.formatted(OURS, STOCK))
            .extraProcessors(TlsRemoteDeliveryXml.mailet().trustAnchors("file://conf/ca.pem").outgoingQueue("outgoing-bench-ours")
                .delayTime("1 hour").maxRetries(1).heloName("james.local").deliveryThreads(4).inProcessor("ours") + """
                    <processor state="stock" enableJmx="false">
                      <mailet match="All" class="RemoteDelivery">
                        <outgoingQueue>outgoing-bench-stock</outgoingQueue>
                        <delayTime>1 hour</delayTime>
                        <maxRetries>1</maxRetries>
                        <heloName>james.local</heloName>
                        <deliveryThreads>4</deliveryThreads>
                        <startTLS>true</startTLS>
                        <sslEnable>false</sslEnable>
                        <gateway>127.0.0.1</gateway>
                        <gatewayPort>%d</gatewayPort>
                        <verifyServerIdentity>false</verifyServerIdentity>
                        <mail.smtp.starttls.required>true</mail.smtp.starttls.required>
                      </mailet>
                    </processor>
                """.formatted(port))
            .build();
        james.dns().mx(OURS, MX).loopbackHost(MX);
        james.start();
        List<Round> measured = new ArrayList<>();
        try {
            OutboundRounds.preflight(james, destination, OURS);
            OutboundRounds.preflight(james, destination, STOCK);
            String[] order = {OURS, STOCK, STOCK, OURS};
            for (int i = 0; i < warmup; i++) {
                OutboundRounds.round(james, destination, name(OURS), OURS, -1 - i, messages, submitters);
                OutboundRounds.round(james, destination, name(STOCK), STOCK, -1 - i, messages, submitters);
            }
            for (int i = 0; i < rounds; i++) {
                for (int j = 0; j < 2; j++) {
                    String domain = order[(2 * i + j) % order.length];
                    Round round = OutboundRounds.round(james, destination, name(domain), domain, i, messages, submitters);
                    measured.add(round);
                    System.out.println(round.line());
                }
            }
        } finally {
            james.stop();
            destination.close();
            Files.deleteIfExists(trustStore);
        }
        double ours = OutboundRounds.median(measured, name(OURS));
        double stock = OutboundRounds.median(measured, name(STOCK));
        String summary = String.format(Locale.ROOT, "ours (TlsRemoteDelivery, verify): %.1f deliveries/s; stock RemoteDelivery "
            + "(startTLS=true): %.1f deliveries/s; ratio %.2f (medians of %d rounds of %d mails)", ours, stock, ours / stock, rounds, messages);
        System.out.println(summary);
        write(output, measured, ours, stock, messages, rounds, submitters);
        System.exit(0);
    }

    private static String name(String domain) {
        return domain.equals(OURS) ? "ours" : "stock";
    }

    private static Path jvmTrustStore(TestPki pki) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("bench-root", pki.root.certificate().certificate());
        Path file = Files.createTempFile("outbound-bench-trust", ".p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, TestPki.PASSWORD.toCharArray());
        }
        return file;
    }

    private static void write(Path output, List<Round> rounds, double ours, double stock, int messages, int roundCount,
                              int submitters) throws IOException {
        StringBuilder json = new StringBuilder("{\n");
        json.append(String.format(Locale.ROOT, "  \"messagesPerRound\": %d,%n  \"rounds\": %d,%n  \"submitters\": %d,%n",
            messages, roundCount, submitters));
        json.append(String.format(Locale.ROOT, "  \"oursDeliveriesPerSecond\": %.1f,%n  \"stockDeliveriesPerSecond\": %.1f,%n"
            + "  \"ratio\": %.2f,%n  \"measured\": [%n", ours, stock, ours / stock));
        for (int i = 0; i < rounds.size(); i++) {
            json.append("    {").append(rounds.get(i).jsonMembers()).append('}').append(i + 1 < rounds.size() ? "," : "").append('\n');
        }
        json.append("  ]\n}\n");
        Files.createDirectories(output.getParent());
        Files.writeString(output, json.toString());
        System.out.println("written " + output);
    }
}
