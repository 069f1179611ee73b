package dev.jamestls.expiry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import dev.jamestls.revocation.EndpointResult;
import dev.jamestls.revocation.EndpointResult.Outcome;

class RevocationWatchTest {
    private static final Instant NOT_AFTER = Instant.parse("2027-03-01T12:00:00Z");
    private static final WatchedCertificate LEAF = certificate('a');
    private static final WatchedCertificate RENEWED = certificate('b');

    private final RevocationWatch watch = new RevocationWatch();

    @Test
    void healthIsTheWorstAnswerAndNoEndpointIsItsOwnState() {
        assertThat(RevocationHealth.of(List.of())).isEqualTo(RevocationHealth.NO_ENDPOINTS);
        assertThat(RevocationHealth.of(List.of(ocsp(Outcome.GOOD), crl(Outcome.GOOD)))).isEqualTo(RevocationHealth.GOOD);
        for (Outcome unusable : List.of(Outcome.UNREACHABLE, Outcome.HTTP_ERROR, Outcome.MALFORMED, Outcome.STALE,
                Outcome.UNKNOWN, Outcome.NOT_ASKED)) {
            assertThat(RevocationHealth.of(List.of(ocsp(Outcome.GOOD), crl(unusable)))).as(unusable.spelling())
                .isEqualTo(RevocationHealth.UNCHECKED);
        }
        assertThat(RevocationHealth.of(List.of(ocsp(Outcome.UNREACHABLE), crl(Outcome.REVOKED)))).isEqualTo(RevocationHealth.REVOKED);
        assertThat(List.of(RevocationHealth.REVOKED, RevocationHealth.UNCHECKED, RevocationHealth.GOOD, RevocationHealth.NO_ENDPOINTS))
            .extracting(RevocationHealth::gaugeValue).containsExactly(2, 1, 0, -1);
    }

    @Test
    void aProblemIsToldWhenItAppearsOrChangesAndOnceWhenItIsGone() {
        assertThat(watch.update(List.of(checked(LEAF, ocsp(Outcome.GOOD), crl(Outcome.GOOD))))).isEmpty();
        assertThat(watch.health(LEAF.sha256())).contains(RevocationHealth.GOOD);

        List<RevocationWatch.Notice> unreachable = watch.update(List.of(checked(LEAF, ocsp(Outcome.UNREACHABLE), crl(Outcome.GOOD))));
        assertThat(unreachable).singleElement().satisfies(notice -> {
            assertThat(notice.health()).isEqualTo(RevocationHealth.UNCHECKED);
            assertThat(notice.problems()).extracting(EndpointResult::type, EndpointResult::outcome)
                .containsExactly(Tuple.tuple(EndpointResult.Type.OCSP, Outcome.UNREACHABLE));
        });
        // the same problem at the next check: nothing new to tell
        assertThat(watch.update(List.of(checked(LEAF, ocsp(Outcome.UNREACHABLE), crl(Outcome.GOOD))))).isEmpty();
        // revoked: a change
        assertThat(watch.update(List.of(checked(LEAF, ocsp(Outcome.UNREACHABLE), crl(Outcome.REVOKED)))))
            .singleElement().extracting(RevocationWatch.Notice::health).isEqualTo(RevocationHealth.REVOKED);
        assertThat(watch.health(LEAF.sha256())).contains(RevocationHealth.REVOKED);
        // every endpoint good again: told once
        assertThat(watch.update(List.of(checked(LEAF, ocsp(Outcome.GOOD), crl(Outcome.GOOD)))))
            .singleElement().satisfies(notice -> assertThat(notice.recovered()).isTrue());
        assertThat(watch.update(List.of(checked(LEAF, ocsp(Outcome.GOOD), crl(Outcome.GOOD))))).isEmpty();
    }

    @Test
    void aRenewedCertificateStartsAfreshAndTheOldOneIsForgotten() {
        watch.update(List.of(checked(LEAF, crl(Outcome.STALE))));
        List<RevocationWatch.Notice> notices = watch.update(List.of(checked(RENEWED, crl(Outcome.STALE))));

        assertThat(notices).singleElement().extracting(n -> n.certificate().sha256()).isEqualTo(RENEWED.sha256());
        assertThat(watch.health(LEAF.sha256())).isEmpty();
        assertThat(watch.health(RENEWED.sha256())).contains(RevocationHealth.UNCHECKED);
    }

    @Test
    void aCertificateWithoutEndpointsIsNeverAProblem() {
        assertThat(watch.update(List.of(checked(LEAF)))).isEmpty();
        assertThat(watch.health(LEAF.sha256())).contains(RevocationHealth.NO_ENDPOINTS);
    }

    private static RevocationWatch.Checked checked(WatchedCertificate certificate, EndpointResult... results) {
        return new RevocationWatch.Checked(certificate, List.of(results));
    }

    private static EndpointResult ocsp(Outcome outcome) {
        return result(EndpointResult.Type.OCSP, "http://ocsp.ca.test/", outcome);
    }

    private static EndpointResult crl(Outcome outcome) {
        return result(EndpointResult.Type.CRL, "http://crl.ca.test/ca.crl", outcome);
    }

    private static EndpointResult result(EndpointResult.Type type, String url, Outcome outcome) {
        return new EndpointResult(type, url, "CN=mx.example.com", outcome, OptionalInt.empty(), Duration.ofMillis(3),
            Optional.empty(), outcome.spelling());
    }

    private static WatchedCertificate certificate(char digit) {
        return new WatchedCertificate(String.valueOf(digit).repeat(64), CertificateRole.listener("smtpserver-mx (0.0.0.0:25)"),
            "CN=mx.example.com", NOT_AFTER);
    }
}
