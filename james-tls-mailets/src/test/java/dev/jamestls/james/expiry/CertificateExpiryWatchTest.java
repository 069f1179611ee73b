package dev.jamestls.james.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.james.metrics.api.Gauge;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.server.core.configuration.FileConfigurationProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.expiry.CertificateOrigin;
import dev.jamestls.expiry.CertificateRole;
import dev.jamestls.expiry.ExpiryWarning;
import dev.jamestls.expiry.WatchedCertificate;
import dev.jamestls.ledger.InboundSeen;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.PolicySource;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.CertificatePins;
import dev.jamestls.tls.PemFiles;

class CertificateExpiryWatchTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final char[] SECRET = "changeit".toCharArray();

    @TempDir
    Path james;

    private final MovableClock clock = new MovableClock(NOW);
    private final RecordingGauges gauges = new RecordingGauges();
    private CertificateAuthority root;
    private CertificateExpiryWatch started;
    private IssuedCertificate expiringIn10Days;
    private IssuedCertificate expiringIn200Days;

    @BeforeEach
    void writeKeyMaterial() throws Exception {
        Files.createDirectories(james.resolve("conf"));
        root = CertificateAuthority.root("CN=Expiry Test Root", NOW);
        expiringIn10Days = root.leaf("CN=mx.example").dnsNames("mx.example")
            .validity(NOW.minus(Duration.ofDays(80)), NOW.plus(Duration.ofDays(10))).issue();
        expiringIn200Days = root.leaf("CN=submission.example").dnsNames("submission.example")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(200))).issue();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("mx", expiringIn10Days.keyPair().getPrivate(), SECRET,
            expiringIn10Days.presentedChain().toArray(X509Certificate[]::new));
        PemFiles.write(store, james.resolve("conf/mx.p12"), SECRET);
        PemFiles.writeCertificates(james.resolve("conf/submission.pem"), expiringIn200Days.presentedChain());
    }

    @AfterEach
    void stopTheWatch() {
        if (started != null) {
            started.stop();
        }
    }

    @Test
    void readsTheKeyStoreAndPemCertificatesOfEveryEnabledTlsListener() throws Exception {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/mx.p12", "PKCS12"))
            + listener("smtpserver-submission", "0.0.0.0:465", "socketTLS", "<certificates>file://conf/submission.pem</certificates>")
            + "<smtpserver enabled=\"false\"><jmxName>off</jmxName><bind>0.0.0.0:2525</bind>"
            + "<tls startTLS=\"true\"><keystore>file://conf/missing.p12</keystore></tls></smtpserver>"
            + "<smtpserver><jmxName>plain</jmxName><bind>0.0.0.0:26</bind><tls startTLS=\"false\"/></smtpserver>");

        List<WatchedCertificate> certificates = listenerCertificates().read();

        assertThat(certificates).extracting(WatchedCertificate::sha256, c -> c.role().where()).contains(
            org.assertj.core.groups.Tuple.tuple(CertificatePins.certificateSha256(expiringIn10Days.certificate()),
                "smtpserver-mx (0.0.0.0:25)"),
            org.assertj.core.groups.Tuple.tuple(CertificatePins.certificateSha256(expiringIn200Days.certificate()),
                "smtpserver-submission (0.0.0.0:465)"));
        assertThat(certificates).extracting(c -> c.role().origin()).containsOnly(CertificateOrigin.LISTENER);
        assertThat(certificates).extracting(c -> c.role().where())
            .containsOnly("smtpserver-mx (0.0.0.0:25)", "smtpserver-submission (0.0.0.0:465)");
    }

    @Test
    void alsoReadsTheCertificateWantedListeners() throws Exception {
        smtpserverXml("");
        Files.writeString(james.resolve("conf/tls-smtpserver.xml"), "<smtpservers>"
            + listener("tls-smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/mx.p12", "PKCS12")) + "</smtpservers>");

        assertThat(listenerCertificates().read()).extracting(c -> c.role().where()).contains("tls-smtpserver-mx (0.0.0.0:25)");
    }

    @Test
    void aKeyStoreThatDoesNotLoadStopsTheStartNamingFileListenerAndElement() throws Exception {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/missing.p12", "PKCS12")));

        assertThatThrownBy(() -> started().start())
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("certificate expiry watch: conf/smtpserver.xml <smtpserver> smtpserver-mx (0.0.0.0:25):"
                + " <keystore> file://conf/missing.p12 not found (looked at " + james.resolve("conf/missing.p12") + ")");
    }

    @Test
    void anUnknownKeyStoreTypeIsRejectedWithTheAcceptedOnes() throws Exception {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/mx.p12", "PKCS11")));

        assertThatThrownBy(() -> listenerCertificates().read())
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("conf/smtpserver.xml <smtpserver> smtpserver-mx (0.0.0.0:25): unknown <keystoreType> 'PKCS11';"
                + " accepted: JKS, PKCS12");
    }

    @Test
    void registersOneGaugePerCertificateGivingTheDaysLeft() throws Exception {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/mx.p12", "PKCS12")));

        started().start();

        String leafGauge = gaugeOf(expiringIn10Days);
        assertThat(gauges.daysLeft()).containsKey(leafGauge).hasSize(expiringIn10Days.presentedChain().size());
        assertThat(gauges.registered.get(leafGauge).get()).isEqualTo(10L);
        clock.advance(Duration.ofDays(11));
        assertThat(gauges.registered.get(leafGauge).get()).isEqualTo(-1L);
    }

    @Test
    void aRenewedKeyStoreReadAgainGetsAGaugeOfItsOwn() throws Exception {
        CertificateExpiryWatch watch = startedOnPem(expiringIn10Days);

        PemFiles.writeCertificates(james.resolve("conf/mx.pem"), List.of(expiringIn200Days.certificate()));
        watch.refresh();

        assertThat(gauges.daysLeft()).containsOnlyKeys(gaugeOf(expiringIn10Days), gaugeOf(expiringIn200Days));
    }

    @Test
    void aListenerThatStopsLoadingLaterKeepsTheCertificatesReadBefore() throws Exception {
        CertificateExpiryWatch watch = startedOnPem(expiringIn10Days);

        Files.delete(james.resolve("conf/mx.pem"));
        watch.refresh();

        assertThat(gauges.daysLeft()).containsOnlyKeys(gaugeOf(expiringIn10Days));
        clock.advance(Duration.ofDays(5));
        assertThat(gauges.registered.get(gaugeOf(expiringIn10Days)).get()).isEqualTo(5L);
    }

    @Test
    void watchesThePartnerCertificatesOfTheLedgerThoseReadBackAndThoseSeenLater() throws Exception {
        smtpserverXml("");
        PartnerLedger ledger = new PartnerLedger();
        ledger.inbound(new InboundSeen(NOW, "partner.example", "partner", "compliant", Optional.empty(), Optional.of("TLSv1.3"),
            Optional.of("TLS_AES_128_GCM_SHA256"), Optional.of(CertificateFacts.of(expiringIn10Days.certificate())), "verified",
            Optional.of("partner"), Optional.empty()));
        started = new CertificateExpiryWatch(listenerCertificates(), gauges, clock, Optional.of(ledger));
        started.start();

        String client = CertificateExpiryWatch.GAUGE_PREFIX + "partner."
            + CertificatePins.certificateSha256(expiringIn10Days.certificate()).substring(0, 16);
        assertThat(gauges.registered).containsOnlyKeys(client);
        assertThat(gauges.registered.get(client).get()).isEqualTo(10L);

        ledger.outbound(attempt("partner.example"), Optional.of(CertificateFacts.of(expiringIn200Days.certificate())));
        String server = CertificateExpiryWatch.GAUGE_PREFIX + "destination."
            + CertificatePins.certificateSha256(expiringIn200Days.certificate()).substring(0, 16);
        // The ledger told the watch at once; its check runs on the watch's thread (src-it awaits its WARN line), here now.
        started.check();
        assertThat(gauges.registered.get(server).get()).isEqualTo(200L);
    }

    @Test
    void registersAtMostTheCapOfPeerGaugesBecauseJamesCannotUnregisterOne() throws Exception {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", keystore("file://conf/mx.p12", "PKCS12")));
        PartnerLedger ledger = new PartnerLedger();
        for (int i = 0; i <= CertificateExpiryWatch.MAX_PEER_GAUGES; i++) {
            String sha = String.format("%016x", i + 1) + "0".repeat(48);
            ledger.outbound(attempt("p" + i + ".example"), Optional.of(new CertificateFacts("CN=p" + i, "CN=CA", "1",
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(20)), List.of(), List.of(), sha, "pin", "EC", 256,
                "SHA256withECDSA", List.of(), List.of(), List.of())));
        }
        started = new CertificateExpiryWatch(listenerCertificates(), gauges, clock, Optional.of(ledger));

        started.start();

        assertThat(gauges.registered.keySet().stream().filter(name -> name.contains(".destination."))).hasSize(
            CertificateExpiryWatch.MAX_PEER_GAUGES);
        assertThat(gauges.registered).containsKey(gaugeOf(expiringIn10Days));
    }

    private static AttemptRecord attempt(String domain) {
        return new AttemptRecord(NOW, domain, "defaults", RuleKind.DEFAULTS, Mode.ENFORCE, OutboundLevel.VERIFY, "mx." + domain, 25,
            Optional.of("192.0.2.1"), true, TlsStage.ESTABLISHED, Optional.of("TLSv1.3"), Optional.of("TLS_AES_256_GCM_SHA384"),
            Optional.empty(), Optional.empty(), Optional.empty(), AttemptVerdict.DELIVERED, Optional.empty(), "delivered", List.of(),
            Optional.empty(), PolicySource.DEFAULT);
    }

    @Test
    void theWarningLineNamesListenerCertificateAndThresholdWithPeerTextEscaped() {
        WatchedCertificate certificate = new WatchedCertificate("ab".repeat(32),
            CertificateRole.partner("billing\r\nforged"), "CN=evil\r\n12:00:00.000 INFO forged", NOW.plus(Duration.ofDays(10)));

        String line = CertificateExpiryWatch.line(new ExpiryWarning(certificate, 14, 9));
        String expired = CertificateExpiryWatch.line(new ExpiryWarning(certificate, ExpiryWarning.EXPIRED, -2));

        assertThat(line).isEqualTo("certificate expiry: partner billing\\x0D\\x0Aforged: certificate subject=\"CN=evil"
            + "\\x0D\\x0A12:00:00.000 INFO forged\" sha256=" + "ab".repeat(32) + " expires at 2026-03-11T12:00:00Z, in 9 day(s)"
            + " (threshold 14 days)");
        assertThat(expired).endsWith(" expired at 2026-03-11T12:00:00Z (2 day(s) ago)");
    }

    private CertificateExpiryWatch watch() {
        return new CertificateExpiryWatch(listenerCertificates(), gauges, clock);
    }

    /** A watch stopped after the test (call {@code start()}). */
    private CertificateExpiryWatch started() {
        started = watch();
        return started;
    }

    /** A started watch over one STARTTLS listener whose {@code <certificates>} file holds {@code certificate}. */
    private CertificateExpiryWatch startedOnPem(IssuedCertificate certificate) throws IOException {
        smtpserverXml(listener("smtpserver-mx", "0.0.0.0:25", "startTLS", "<certificates>file://conf/mx.pem</certificates>"));
        PemFiles.writeCertificates(james.resolve("conf/mx.pem"), List.of(certificate.certificate()));
        CertificateExpiryWatch watch = started();
        watch.start();
        return watch;
    }

    private static String gaugeOf(IssuedCertificate certificate) {
        return CertificateExpiryWatch.GAUGE_PREFIX + "listener."
            + CertificatePins.certificateSha256(certificate.certificate()).substring(0, 16);
    }

    private ListenerCertificates listenerCertificates() {
        Configuration configuration = Configuration.builder().workingDirectory(james.toFile()).build();
        FileSystemImpl fileSystem = new FileSystemImpl(configuration.directories());
        return new ListenerCertificates(new FileConfigurationProvider(fileSystem, configuration), fileSystem);
    }

    private void smtpserverXml(String servers) throws IOException {
        Files.writeString(james.resolve("conf/smtpserver.xml"), "<smtpservers>" + servers + "</smtpservers>",
            StandardCharsets.UTF_8);
    }

    private static String listener(String jmxName, String bind, String tlsMode, String keyMaterial) {
        return "<smtpserver enabled=\"true\"><jmxName>" + jmxName + "</jmxName><bind>" + bind + "</bind>"
            + "<tls " + tlsMode + "=\"true\">" + keyMaterial + "</tls></smtpserver>";
    }

    private static String keystore(String location, String type) {
        return "<keystore>" + location + "</keystore><keystoreType>" + type + "</keystoreType><secret>"
            + new String(SECRET) + "</secret>";
    }

    /** James's gauge registry as far as the watch uses it: names must be registered once. */
    private static final class RecordingGauges implements GaugeRegistry {
        /** Concurrent: the revocation check registers its gauges from the watch's own thread. */
        final Map<String, Supplier<?>> registered = new ConcurrentHashMap<>();

        /** The expiry gauges only (the revocation ones come when its first check is done). */
        Map<String, Supplier<?>> daysLeft() {
            Map<String, Supplier<?>> expiry = new LinkedHashMap<>(registered);
            expiry.keySet().removeIf(name -> !name.startsWith(CertificateExpiryWatch.GAUGE_PREFIX));
            return expiry;
        }

        @Override
        public <T> GaugeRegistry register(String name, Gauge<T> gauge) {
            if (registered.putIfAbsent(name, gauge) != null) {
                throw new IllegalArgumentException("A metric named " + name + " already exists");
            }
            return this;
        }

        @Override
        public <T> SettableGauge<T> settableGauge(String name) {
            throw new UnsupportedOperationException("the expiry watch registers gauges, it does not set them");
        }
    }
}
