package dev.jamestls.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.policy.DomainName;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.testkit.dns.LoopbackDnsServer;
import dev.jamestls.testkit.dns.SignedZones;

/**
 * {@link ValidatingDns} against a signed test tree served on loopback: never a real resolver.
 */
class ValidatingDnsTest {
    private static final String TLSA_DATA = "8f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

    private static SignedZones zones;
    private static LoopbackDnsServer server;

    private final MovableClock clock = new MovableClock(Instant.now());

    @BeforeAll
    static void startServer() throws Exception {
        zones = SignedZones.builder()
            .signedZone("example.")
            .unsignedZone("insecure.")
            .record("example. 300 IN MX 20 mx2.example.")
            .record("example. 300 IN MX 10 mail.example.")
            .record("mail.example. 300 IN A 192.0.2.25")
            .record("mail.example. 300 IN AAAA 2001:db8::25")
            .record("mx2.example. 300 IN A 192.0.2.26")
            .record("_25._tcp.mail.example. 300 IN TLSA 3 1 1 " + TLSA_DATA)
            .record("alias.example. 300 IN CNAME mail.example.")
            .record("outside.example. 300 IN CNAME mail.insecure.")
            .record("dangling.example. 300 IN CNAME gone.example.")
            .record("_mta-sts.example. 300 IN TXT \"v=STSv1; \" \"id=20240101\"")
            .record("nullmx.example. 300 IN MX 0 .")
            .record("bogus.example. 300 IN A 192.0.2.66")
            .bogusSignature("bogus.example.", Type.A)
            .record("old.example. 300 IN A 192.0.2.77")
            .expiredSignature("old.example.", Type.A)
            .servfail("broken.example.")
            .record("insecure. 300 IN MX 10 mail.insecure.")
            .record("mail.insecure. 300 IN A 192.0.2.99")
            .build();
        server = LoopbackDnsServer.start(zones);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private ValidatingDns dns() {
        return dns(server);
    }

    private ValidatingDns dns(LoopbackDnsServer on) {
        return builder(on.address(), zones.trustAnchor()).build();
    }

    /** Asks {@code resolver} (always on loopback), validating from {@code anchor}, on the test's clock. */
    private ValidatingDns.Builder builder(InetSocketAddress resolver, String anchor) {
        return ValidatingDns.builder()
            .resolver(resolver)
            .trustAnchor(DnssecTrustAnchor.parse(anchor, "test root"))
            .queryTimeout(Duration.ofSeconds(2))
            .clock(clock);
    }

    private static DomainName domain(String name) {
        return DomainName.parse(name);
    }

    @Test
    void mxOfASignedZoneIsSecureAndInPreferenceOrder() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly(new MxRecord(10, "mail.example"), new MxRecord(20, "mx2.example"));
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void tlsaOfASignedHostIsSecure() {
        DnsAnswer<TlsaRecord> answer = dns().tlsa(domain("mail.example"), 25);

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly(
            new TlsaRecord(TlsaRecord.DANE_EE, TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, HexFormat.of().parseHex(TLSA_DATA)));
    }

    @Test
    void addressesAreBothFamiliesWhenBothAreSecure() throws Exception {
        DnsAnswer<InetAddress> answer = dns().addresses(domain("mail.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.25"), InetAddress.getByName("2001:db8::25"));
    }

    @Test
    void aZoneBelowAnUnsignedDelegationIsInsecureWithItsRecords() throws Exception {
        ValidatingDns dns = dns();

        DnsAnswer<MxRecord> mx = dns.mx(domain("insecure"));
        DnsAnswer<InetAddress> addresses = dns.addresses(domain("mail.insecure"));

        assertThat(mx.status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(mx.records()).containsExactly(new MxRecord(10, "mail.insecure"));
        assertThat(addresses.status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(addresses.records()).containsExactly(InetAddress.getByName("192.0.2.99"));
    }

    @Test
    void aCorruptSignatureIsBogusWithoutRecords() {
        DnsAnswer<InetAddress> answer = dns().addresses(domain("bogus.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(answer.records()).isEmpty();
        assertThat(answer.detail()).isNotEmpty();
    }

    @Test
    void anExpiredSignatureIsBogus() {
        DnsAnswer<InetAddress> answer = dns().addresses(domain("old.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.BOGUS);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void anAnswerSignedUnderAnotherRootIsBogus() {
        SignedZones otherRoot = SignedZones.builder().signedZone("example.").build();
        ValidatingDns dns = builder(server.address(), otherRoot.trustAnchor()).build();

        assertThat(dns.mx(domain("example")).status()).isEqualTo(DnssecStatus.BOGUS);
    }

    @Test
    void aServfailFromTheResolverIsFailedNotBogus() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("broken.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.FAILED);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void anUnansweringResolverIsFailedWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ValidatingDns dns = builder(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), zones.trustAnchor())
                .queryTimeout(Duration.ofMillis(300))
                .totalTimeout(Duration.ofSeconds(1))
                .build();
            long start = System.nanoTime();

            DnsAnswer<MxRecord> answer = dns.mx(domain("example"));

            assertThat(answer.status()).isEqualTo(DnssecStatus.FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void theTotalBoundEndsALookupBeforeTheQueryTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ValidatingDns dns = builder(new InetSocketAddress("127.0.0.1", silent.getLocalPort()), zones.trustAnchor())
                .queryTimeout(Duration.ofSeconds(30))
                .totalTimeout(Duration.ofMillis(300))
                .build();
            long start = System.nanoTime();

            DnsAnswer<TlsaRecord> answer = dns.tlsa(domain("mail.example"), 25);

            assertThat(answer.status()).isEqualTo(DnssecStatus.FAILED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aNameThatDoesNotExistIsProvenAbsent() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("nowhere.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).isEmpty();
        assertThat(answer.ttl()).isEqualTo(Duration.ofSeconds(SignedZones.NEGATIVE_TTL));
    }

    @Test
    void aTypeThatDoesNotExistIsProvenAbsent() {
        DnsAnswer<String> answer = dns().txt(domain("mail.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void tlsaAtAPortWithoutRecordsIsProvenAbsent() {
        DnsAnswer<TlsaRecord> answer = dns().tlsa(domain("mail.example"), 587);

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void aCnameIsFollowedToTheRecordsOfTheTypeAsked() throws Exception {
        DnsAnswer<InetAddress> answer = dns().addresses(domain("alias.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.25"), InetAddress.getByName("2001:db8::25"));
    }

    @Test
    void aCnameIntoAnUnsignedZoneIsOnlyAsStrongAsItsTarget() throws Exception {
        DnsAnswer<InetAddress> answer = dns().addresses(domain("outside.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(answer.records()).containsExactly(InetAddress.getByName("192.0.2.99"));
    }

    @Test
    void aSecureAliasNamesItsTargetAndNoOtherHostHasOne() {
        ValidatingDns dns = dns();

        assertThat(dns.secureAliasTarget(domain("alias.example"))).contains(domain("mail.example"));
        assertThat(dns.secureAliasTarget(domain("mail.example"))).isEmpty();
        assertThat(dns.secureAliasTarget(domain("outside.example"))).as("a chain into an unsigned zone").isEmpty();
        assertThat(dns.secureAliasTarget(domain("bogus.example"))).isEmpty();
    }

    @Test
    void aCnameToANameThatDoesNotExistIsProvenEmpty() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("dangling.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void aMissingNameInAnUnsignedZoneIsInsecureAndEmpty() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("nowhere.insecure"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.INSECURE);
        assertThat(answer.records()).isEmpty();
    }

    @Test
    void txtStringsOfOneRecordAreJoinedWithoutSeparator() {
        DnsAnswer<String> answer = dns().txt("_mta-sts", domain("example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly("v=STSv1; id=20240101");
    }

    @Test
    void underscoredLabelsMustEachStartWithAnUnderscore() {
        ValidatingDns dns = dns();

        assertThatThrownBy(() -> dns.txt("mta-sts", domain("example"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.txt("_smtp.tls", domain("example"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns.txt("_mta sts", domain("example"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullMxKeepsTheRootAsExchange() {
        DnsAnswer<MxRecord> answer = dns().mx(domain("nullmx.example"));

        assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(answer.records()).containsExactly(new MxRecord(0, "."));
    }

    @Test
    void aCachedAnswerIsServedUntilItsTtlRunsOut() {
        ValidatingDns dns = dns();
        int before = server.questions("example.", Type.MX);

        dns.mx(domain("example"));
        clock.advance(Duration.ofSeconds(299));
        DnsAnswer<MxRecord> cached = dns.mx(domain("example"));

        assertThat(server.questions("example.", Type.MX)).isEqualTo(before + 1);
        assertThat(cached.status()).isEqualTo(DnssecStatus.SECURE);
        assertThat(cached.records()).hasSize(2);
        assertThat(cached.ttl()).isEqualTo(Duration.ofSeconds(1));

        clock.advance(Duration.ofSeconds(1));
        dns.mx(domain("example"));

        assertThat(server.questions("example.", Type.MX)).isEqualTo(before + 2);
    }

    @Test
    void aNegativeAnswerIsCachedForTheNegativeTtl() {
        ValidatingDns dns = dns();
        int before = server.questions("nowhere.example.", Type.MX);

        dns.mx(domain("nowhere.example"));
        clock.advance(Duration.ofSeconds(SignedZones.NEGATIVE_TTL - 1));
        dns.mx(domain("nowhere.example"));
        assertThat(server.questions("nowhere.example.", Type.MX)).isEqualTo(before + 1);

        clock.advance(Duration.ofSeconds(1));
        dns.mx(domain("nowhere.example"));
        assertThat(server.questions("nowhere.example.", Type.MX)).isEqualTo(before + 2);
    }

    @Test
    void aFailureIsCachedOnlyBriefly() {
        ValidatingDns dns = dns();
        int before = server.questions("broken.example.", Type.MX);

        dns.mx(domain("broken.example"));
        dns.mx(domain("broken.example"));
        assertThat(server.questions("broken.example.", Type.MX)).isEqualTo(before + 1);

        clock.advance(DnsCache.FAILED);
        dns.mx(domain("broken.example"));
        assertThat(server.questions("broken.example.", Type.MX)).isEqualTo(before + 2);
    }

    @Test
    void theCacheHoldsAtMostItsBoundAndDropsTheLeastRecentlyUsed() {
        ValidatingDns dns = builder(server.address(), zones.trustAnchor()).maxEntries(2).build();
        int mxBefore = server.questions("example.", Type.MX);

        dns.mx(domain("example"));
        dns.txt("_mta-sts", domain("example"));
        dns.mx(domain("nullmx.example"));
        assertThat(dns.cachedAnswers()).isEqualTo(2);
        dns.mx(domain("example"));

        assertThat(server.questions("example.", Type.MX)).isEqualTo(mxBefore + 2);
    }

    @Test
    void badSettingsAreRefusedAtTheCall() {
        ValidatingDns.Builder builder = ValidatingDns.builder();

        assertThatThrownBy(() -> builder.maxEntries(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.queryTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.totalTimeout(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dns().tlsa(domain("mail.example"), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTruncatedUdpAnswerIsAskedAgainOverTcp() throws Exception {
        try (LoopbackDnsServer truncating = LoopbackDnsServer.start(zones)) {
            truncating.truncateUdp(true);

            DnsAnswer<MxRecord> answer = dns(truncating).mx(domain("example"));

            assertThat(answer.status()).isEqualTo(DnssecStatus.SECURE);
            assertThat(answer.records()).hasSize(2);
            assertThat(truncating.tcpQuestions()).isPositive();
        }
    }
}
