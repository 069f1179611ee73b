package dev.jamestls.expiry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.tls.CertificatePins;

class ExpiryWatchTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final CertificateRole MX = CertificateRole.listener("smtpserver-mx (0.0.0.0:25)");

    private final MovableClock clock = new MovableClock(NOW);
    private final ExpiryWatch watch = ExpiryWatch.withDefaults(clock);

    @Test
    void warnsOnceAtEachThresholdAsTheClockMoves() {
        WatchedCertificate certificate = certificate(1, MX, NOW.plus(Duration.ofDays(40)));
        watch.watchOwn(List.of(certificate));

        assertThat(watch.due()).isEmpty();
        clock.advance(Duration.ofDays(10));
        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays, ExpiryWarning::daysLeft).containsExactly(tuple(30, 30L));
        assertThat(watch.due()).isEmpty();
        clock.advance(Duration.ofDays(16));
        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(14);
        clock.advance(Duration.ofDays(1));
        assertThat(watch.due()).isEmpty();
        clock.advance(Duration.ofDays(6));
        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(7);
        clock.advance(Duration.ofDays(6).plusHours(23));
        assertThat(watch.due()).isEmpty();
        clock.advance(Duration.ofHours(1));
        List<ExpiryWarning> expired = watch.due();
        assertThat(expired).extracting(ExpiryWarning::expired, ExpiryWarning::daysLeft).containsExactly(tuple(true, 0L));
        clock.advance(Duration.ofDays(3));
        assertThat(watch.due()).isEmpty();
    }

    @Test
    void aCertificateFirstSeenTenDaysBeforeExpiryGetsOnlyTheFourteenDayWarning() {
        watch.watchOwn(List.of(certificate(1, MX, NOW.plus(Duration.ofDays(10)))));

        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(14);
        clock.advance(Duration.ofDays(3));
        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(7);
    }

    @Test
    void aRotatedCertificateIsANewCertificateWithWarningsOfItsOwn() {
        watch.watchOwn(List.of(certificate(1, MX, NOW.plus(Duration.ofDays(5)))));
        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(7);

        WatchedCertificate renewed = certificate(2, MX, NOW.plus(Duration.ofDays(12)));
        watch.watchOwn(List.of(renewed));

        assertThat(watch.certificates()).containsExactly(renewed);
        assertThat(watch.due()).extracting(w -> w.certificate().sha256(), ExpiryWarning::thresholdDays)
            .containsExactly(tuple(renewed.sha256(), 14));
    }

    @Test
    void aCertificateRotatedAwayAndBackIsWarnedAgain() {
        WatchedCertificate old = certificate(1, MX, NOW.plus(Duration.ofDays(5)));
        watch.watchOwn(List.of(old));
        assertThat(watch.due()).hasSize(1);
        watch.watchOwn(List.of(certificate(2, MX, NOW.plus(Duration.ofDays(300)))));
        watch.watchOwn(List.of(old));

        assertThat(watch.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(7);
    }

    @Test
    void oneCertificateBehindTwoListenersIsWatchedOnceUnderBothNames() {
        Instant notAfter = NOW.plus(Duration.ofDays(20));
        watch.watchOwn(List.of(certificate(1, MX, notAfter),
            certificate(1, CertificateRole.listener("smtpserver-submission (0.0.0.0:587)"), notAfter)));

        assertThat(watch.certificates()).singleElement().extracting(WatchedCertificate::role)
            .isEqualTo(CertificateRole.listener("smtpserver-mx (0.0.0.0:25), smtpserver-submission (0.0.0.0:587)"));
        assertThat(watch.due()).hasSize(1);
    }

    @Test
    void peerCertificatesAreKeptUpToTheCapacityLeastRecentlySeenDroppedFirst() {
        ExpiryWatch small = new ExpiryWatch(clock, ExpiryWatch.DEFAULT_THRESHOLDS, 2);
        WatchedCertificate a = certificate(1, CertificateRole.partner("billing"), NOW.plus(Duration.ofDays(100)));
        WatchedCertificate b = certificate(2, CertificateRole.destination("mx1.partner.example"), NOW.plus(Duration.ofDays(100)));
        WatchedCertificate c = certificate(3, CertificateRole.destination("mx2.partner.example"), NOW.plus(Duration.ofDays(100)));
        small.seen(a);
        small.seen(b);
        small.seen(a);
        small.seen(c);

        assertThat(small.certificates()).containsExactly(a, c);
        assertThat(small.daysLeft(b.sha256())).isEmpty();
        assertThat(small.daysLeft(a.sha256())).hasValue(100);
    }

    @Test
    void ourOwnCertificatesDoNotCountAgainstThePeerCapacityNorAreKeptTwice() {
        ExpiryWatch small = new ExpiryWatch(clock, ExpiryWatch.DEFAULT_THRESHOLDS, 1);
        WatchedCertificate ours = certificate(1, MX, NOW.plus(Duration.ofDays(100)));
        small.watchOwn(List.of(ours));
        small.seen(certificate(1, CertificateRole.destination("mx.self.example"), NOW.plus(Duration.ofDays(100))));
        WatchedCertificate partner = certificate(2, CertificateRole.partner("billing"), NOW.plus(Duration.ofDays(100)));
        small.seen(partner);

        assertThat(small.certificates()).containsExactly(ours, partner);
    }

    @Test
    void anEvictedPeerCertificateSeenAgainIsWarnedAgain() {
        ExpiryWatch small = new ExpiryWatch(clock, ExpiryWatch.DEFAULT_THRESHOLDS, 1);
        WatchedCertificate partner = certificate(1, CertificateRole.partner("billing"), NOW.plus(Duration.ofDays(3)));
        small.seen(partner);
        assertThat(small.due()).hasSize(1);
        small.seen(certificate(2, CertificateRole.partner("billing"), NOW.plus(Duration.ofDays(300))));
        small.seen(partner);

        assertThat(small.due()).extracting(ExpiryWarning::thresholdDays).containsExactly(7);
    }

    @Test
    void daysLeftIsRoundedDownAndNegativeOnceExpired() {
        WatchedCertificate certificate = certificate(1, MX, NOW.plus(Duration.ofDays(10)));
        watch.watchOwn(List.of(certificate));

        assertThat(watch.daysLeft(certificate.sha256())).hasValue(10);
        clock.advance(Duration.ofMinutes(1));
        assertThat(watch.daysLeft(certificate.sha256())).hasValue(9);
        clock.advance(Duration.ofDays(10));
        assertThat(watch.daysLeft(certificate.sha256())).hasValue(-1);
    }

    @Test
    void aGeneratedCertificateIsKeyedByTheSha256OfItsDer() throws Exception {
        IssuedCertificate leaf = CertificateAuthority.root("CN=Expiry Test Root", NOW).leaf("CN=mx.example")
            .validity(NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(10))).issue();

        WatchedCertificate watched = WatchedCertificate.of(leaf.certificate(), MX);

        assertThat(watched.sha256()).isEqualTo(CertificatePins.certificateSha256(leaf.certificate()));
        assertThat(watched.shortId()).isEqualTo(watched.sha256().substring(0, 16));
        assertThat(watched.subject()).isEqualTo("CN=mx.example");
        assertThat(watched.notAfter()).isEqualTo(leaf.certificate().getNotAfter().toInstant());
    }

    static List<Arguments> badThresholds() {
        return List.of(
            Arguments.of(List.of(), "none"),
            Arguments.of(List.of(30, 0), "zero is the expiry itself"),
            Arguments.of(List.of(-7), "negative"),
            Arguments.of(List.of(14, 14), "twice the same"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badThresholds")
    void rejectsThresholdsThatAreNotDistinctPositiveDays(List<Integer> thresholds, String reason) {
        assertThatThrownBy(() -> new ExpiryWatch(clock, thresholds, 10))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("expiry thresholds must be distinct positive day counts: " + thresholds);
    }

    @Test
    void rejectsAZeroCapacity() {
        assertThatThrownBy(() -> new ExpiryWatch(clock, ExpiryWatch.DEFAULT_THRESHOLDS, 0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("seen-certificate capacity must be at least 1: 0");
    }

    private static WatchedCertificate certificate(int id, CertificateRole role, Instant notAfter) {
        byte[] digest = new byte[32];
        digest[31] = (byte) id;
        return new WatchedCertificate(HexFormat.of().formatHex(digest), role, "CN=certificate " + id, notAfter);
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
