package dev.jamestls.revocation;

import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import org.bouncycastle.cert.ocsp.OCSPResp;

import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.IssuerLinks;
import dev.jamestls.tls.NetworkFailure;

/**
 * Asks every CRL distribution point and OCSP responder named by a chain, one request each, and
 * reports per endpoint. Uses the product's fetcher (timeouts, size limit, no redirects), OCSP
 * request builder and response verifier, and CRL decoder and freshness rules: what this says about an
 * endpoint is what the verification core would get from it.
 */
public final class RevocationEndpoints {
    private final HttpFetcher fetcher;
    private final Clock clock;
    private final RevocationSettings settings;

    public RevocationEndpoints(HttpFetcher fetcher, Clock clock, RevocationSettings settings) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Every endpoint of every certificate of {@code chain} (leaf first), in chain order: OCSP
     * responders, then CRL distribution points. A certificate's issuer is the next certificate of
     * the chain, the certificate itself when self-signed, or one of {@code anchors}.
     */
    public List<EndpointResult> check(List<X509Certificate> chain, List<X509Certificate> anchors) {
        List<EndpointResult> results = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            results.addAll(check(certificate, chain, anchors));
        }
        return results;
    }

    /**
     * Every endpoint of {@code certificate}, one certificate of {@code chain}: OCSP responders, then CRL distribution
     * points; its issuer is found as in {@link #check(List, List)}. Empty when it names none.
     */
    public List<EndpointResult> check(X509Certificate certificate, List<X509Certificate> chain, List<X509Certificate> anchors) {
        List<EndpointResult> results = new ArrayList<>();
        CertificateFacts facts = CertificateFacts.of(certificate);
        Optional<X509Certificate> issuer = issuer(certificate, chain, anchors);
        for (String url : facts.ocspUrls()) {
            results.add(ocsp(url, certificate, facts, issuer));
        }
        for (String url : facts.crlUrls()) {
            results.add(crl(url, Optional.of(certificate), issuer));
        }
        return results;
    }

    /** A CRL distribution point given directly: fetched, parsed, checked for freshness. */
    public EndpointResult crl(String url) {
        return crl(url, Optional.empty(), Optional.empty());
    }

    private EndpointResult ocsp(String url, X509Certificate certificate, CertificateFacts facts, Optional<X509Certificate> issuer) {
        Result result = new Result(EndpointResult.Type.OCSP, url, facts.subject());
        if (issuer.isEmpty()) {
            return result.done(EndpointResult.Outcome.NOT_ASKED, "issuer '" + facts.issuer()
                + "' is neither in the chain nor a trust anchor: an OCSP request names the issuer's key (RFC 6960 §4.1.1)");
        }
        Optional<URI> uri = result.uri();
        if (uri.isEmpty()) {
            return result.notAUri();
        }
        byte[] answer;
        try {
            answer = fetcher.post(uri.get(), OcspRequests.CONTENT_TYPE,
                OcspRequests.request(certificate, issuer.get(), Optional.empty()));
        } catch (IOException e) {
            return result.failed(e);
        }
        result.status = OptionalInt.of(200);
        try {
            new OCSPResp(answer);
        } catch (IOException | RuntimeException e) {
            return result.done(EndpointResult.Outcome.MALFORMED, "not an OCSP response (" + answer.length + " bytes): " + e.getMessage());
        }
        OcspVerdict verdict = OcspResponseVerifier.verify(answer, certificate, issuer.get(), Optional.empty(), clock.instant(), settings);
        result.nextUpdate = verdict.nextUpdate();
        EndpointResult.Outcome outcome = switch (verdict.status()) {
            case GOOD -> EndpointResult.Outcome.GOOD;
            case REVOKED -> EndpointResult.Outcome.REVOKED;
            case UNKNOWN, UNREACHABLE, NOT_CHECKABLE -> EndpointResult.Outcome.UNKNOWN;
        };
        return result.done(outcome, verdict.detail());
    }

    private EndpointResult crl(String url, Optional<X509Certificate> certificate, Optional<X509Certificate> issuer) {
        Result result = new Result(EndpointResult.Type.CRL, url,
            certificate.map(c -> c.getSubjectX500Principal().getName()).orElse(""));
        Optional<URI> uri = result.uri();
        if (uri.isEmpty()) {
            return result.notAUri();
        }
        byte[] body;
        try {
            body = fetcher.get(uri.get());
        } catch (IOException e) {
            return result.failed(e);
        }
        result.status = OptionalInt.of(200);
        X509CRL crl;
        try {
            crl = RevocationChecker.decodeCrl(body);
        } catch (GeneralSecurityException | RuntimeException e) {
            return result.done(EndpointResult.Outcome.MALFORMED, "not a CRL (" + body.length + " bytes): " + e.getMessage());
        }
        String crlIssuer = crl.getIssuerX500Principal().getName();
        if (issuer.isPresent()) {
            try {
                crl.verify(issuer.get().getPublicKey());
            } catch (GeneralSecurityException | RuntimeException e) {
                return result.done(EndpointResult.Outcome.MALFORMED, "CRL of '" + crlIssuer + "' is not signed by '"
                    + issuer.get().getSubjectX500Principal().getName() + "': " + e.getMessage());
            }
        }
        Instant now = clock.instant();
        Optional<String> stale = CrlFreshness.problem(crl, now, settings);
        result.nextUpdate = Optional.ofNullable(crl.getNextUpdate()).map(java.util.Date::toInstant);
        if (stale.isPresent()) {
            return result.done(EndpointResult.Outcome.STALE, "CRL of '" + crlIssuer + "': " + stale.get());
        }
        int entries = crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size();
        String summary = "CRL of '" + crlIssuer + "', " + entries + " entr" + (entries == 1 ? "y" : "ies")
            + (issuer.isPresent() ? ", signature verified" : ", signature not checked (issuer unknown)");
        if (certificate.isEmpty()) {
            return result.done(EndpointResult.Outcome.GOOD, summary);
        }
        X509CRLEntry entry = crl.getRevokedCertificate(certificate.get());
        if (entry != null) {
            return result.done(EndpointResult.Outcome.REVOKED, summary + "; serial " + certificate.get().getSerialNumber().toString(16)
                + " revoked at " + entry.getRevocationDate().toInstant()
                + (entry.getRevocationReason() == null ? "" : ", reason " + entry.getRevocationReason()));
        }
        return result.done(EndpointResult.Outcome.GOOD, summary + "; serial " + certificate.get().getSerialNumber().toString(16)
            + " not listed");
    }

    private static Optional<X509Certificate> issuer(X509Certificate certificate, List<X509Certificate> chain,
                                                    List<X509Certificate> anchors) {
        if (IssuerLinks.selfSigned(certificate)) {
            return Optional.of(certificate);
        }
        List<X509Certificate> others = new ArrayList<>(chain);
        others.remove(certificate);
        return IssuerLinks.issuerAmong(certificate, others).or(() -> IssuerLinks.issuerAmong(certificate, anchors));
    }

    /** Accumulates one endpoint's result; the clock starts at construction. */
    private static final class Result {
        final EndpointResult.Type type;
        final String url;
        final String certificate;
        final long started = System.nanoTime();
        OptionalInt status = OptionalInt.empty();
        Optional<Instant> nextUpdate = Optional.empty();

        Result(EndpointResult.Type type, String url, String certificate) {
            this.type = type;
            this.url = url;
            this.certificate = certificate;
        }

        Optional<URI> uri() {
            try {
                return Optional.of(URI.create(url));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }

        EndpointResult notAUri() {
            return done(EndpointResult.Outcome.UNREACHABLE, "'" + url + "' is not a URI");
        }

        EndpointResult failed(IOException e) {
            if (e instanceof HttpStatusException http) {
                status = OptionalInt.of(http.status());
                return done(EndpointResult.Outcome.HTTP_ERROR, "HTTP " + http.status());
            }
            return done(EndpointResult.Outcome.UNREACHABLE, NetworkFailure.describe(e));
        }

        EndpointResult done(EndpointResult.Outcome outcome, String detail) {
            return new EndpointResult(type, url, certificate, outcome, status, Duration.ofNanos(System.nanoTime() - started),
                nextUpdate, detail);
        }
    }
}
