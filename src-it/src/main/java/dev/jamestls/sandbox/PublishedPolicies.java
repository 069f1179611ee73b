package dev.jamestls.sandbox;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import dev.jamestls.files.AtomicFiles;
import dev.jamestls.sandbox.james.PublishedDestination;
import dev.jamestls.testkit.StsPolicyServer;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;
import dev.jamestls.tls.PemFiles;

/**
 * The part of the Internet the sandbox's DANE and MTA-STS destinations publish their policies in, on loopback,
 * started by {@code run} before James (James reads the DNSSEC trust anchor when TlsRemoteDelivery starts):
 *
 * <ul>
 *   <li>a DNS server on an ephemeral port answering from a tree signed with keys made at each start: a root, a
 *       signed {@code example.} with {@code dane.example} (MX {@code mx.dane.example}, TLSA 3 1 1 of the key of
 *       {@code pki/mail-dane.pem}) and {@code dane-wrong.example} (MX {@code mx.dane-wrong.example}, whose server
 *       presents the same key, TLSA 3 1 1 of another key: {@code pki/ca.pem}'s), and an unsigned
 *       {@code sts.example.} with MX {@code mx.sts.example} and {@code _mta-sts} TXT (RFC 8461 §3.1);</li>
 *   <li>the HTTPS host {@code mta-sts.sts.example} ({@code pki/mta-sts.pem}) serving an {@code enforce} policy that
 *       lists {@code mx.sts.example}, behind a loopback CONNECT proxy.</li>
 * </ul>
 *
 * It writes {@code conf/dnssec-root.key} (the test root's DS record, TlsRemoteDelivery's {@code dnssecTrustAnchor})
 * and then {@code var/published-policies.env} with both ports for {@code run}, and exits when James's process does.
 *
 * <p>Usage: {@code PublishedPolicies <sandbox-dir> <james-pid>}
 */
public final class PublishedPolicies {
    public static final String TRUST_ANCHOR = "conf/dnssec-root.key";
    public static final String PORTS_FILE = "var/published-policies.env";
    static final String STS_POLICY_ID = "20261203T000000";
    static final String STS_POLICY = "version: STSv1\nmode: enforce\nmx: " + PublishedDestination.STS.mxHost() + "\nmax_age: 86400\n";
    private static final Duration WATCH = Duration.ofSeconds(1);

    private PublishedPolicies() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: PublishedPolicies <sandbox-dir> <james-pid>");
            System.exit(2);
        }
        Path sandbox = Path.of(args[0]);
        Optional<ProcessHandle> james = ProcessHandle.of(Long.parseLong(args[1]));
        Path pki = sandbox.resolve("pki");
        SignedZones zones = zones(PemFiles.readCertificates(pki.resolve(SandboxPki.DANE_MX)).get(0),
            PemFiles.readCertificates(pki.resolve(SandboxPki.CA)).get(0));
        try (LoopbackDnsServer dns = LoopbackDnsServer.start(zones);
             StsPolicyServer policyHost = StsPolicyServer.start(
                 ClientIdentity.read(pki.resolve(SandboxPki.STS_POLICY_HOST), pki.resolve(SandboxPki.STS_POLICY_HOST_KEY)),
                 StsPolicyServer.Response.policy(STS_POLICY))) {
            int proxyPort = proxyPort(policyHost);
            AtomicFiles.writeString(sandbox.resolve(TRUST_ANCHOR), zones.trustAnchor() + "\n");
            AtomicFiles.writeString(sandbox.resolve(PORTS_FILE), "JAMES_TLS_DNS_PORT=" + dns.address().getPort() + "\n"
                + "JAMES_TLS_POLICY_PROXY_PORT=" + proxyPort + "\n");
            System.err.println("run: published policies on 127.0.0.1: DNS (DNSSEC-signed dane.example, dane-wrong.example; "
                + "sts.example) port " + dns.address().getPort() + ", trust anchor " + TRUST_ANCHOR + "; MTA-STS policy host "
                + "mta-sts." + PublishedDestination.STS.domain() + " through the proxy on port " + proxyPort);
            while (james.map(ProcessHandle::isAlive).orElse(false)) {
                Thread.sleep(WATCH.toMillis());
            }
        }
    }

    /** The zones of the demo's destinations; the TLSA records are DANE-EE, SPKI, SHA-256 (RFC 7671 §5.1). */
    static SignedZones zones(X509Certificate daneServer, X509Certificate otherKey) throws Exception {
        PublishedDestination dane = PublishedDestination.DANE;
        PublishedDestination wrong = PublishedDestination.DANE_WRONG;
        PublishedDestination sts = PublishedDestination.STS;
        return SignedZones.builder()
            .signedZone("example.")
            .unsignedZone(sts.domain() + ".")
            .record(dane.domain() + ". 300 IN MX 10 " + dane.mxHost() + ".")
            .record(dane.mxHost() + ". 300 IN A 127.0.0.1")
            .record("_25._tcp." + dane.mxHost() + ". 300 IN TLSA 3 1 1 " + spkiSha256(daneServer))
            .record(wrong.domain() + ". 300 IN MX 10 " + wrong.mxHost() + ".")
            .record(wrong.mxHost() + ". 300 IN A 127.0.0.1")
            .record("_25._tcp." + wrong.mxHost() + ". 300 IN TLSA 3 1 1 " + spkiSha256(otherKey))
            .record(sts.domain() + ". 300 IN MX 10 " + sts.mxHost() + ".")
            .record(sts.mxHost() + ". 300 IN A 127.0.0.1")
            .record("_mta-sts." + sts.domain() + ". 300 IN TXT \"v=STSv1; id=" + STS_POLICY_ID + "\"")
            .build();
    }

    static String spkiSha256(X509Certificate certificate) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
    }

    private static int proxyPort(StsPolicyServer server) {
        return ((java.net.InetSocketAddress) server.route().select(java.net.URI.create("https://mta-sts.sts.example/"))
            .get(0).address()).getPort();
    }

}
