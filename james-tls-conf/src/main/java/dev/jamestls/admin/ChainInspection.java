package dev.jamestls.admin;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.IssuerLinks;
import dev.jamestls.verify.DnsNames;

/**
 * Turns our chain into {@link ChainReport}: the facts partners need and the warnings
 * about what would make them fail (the verification core's name matching, RFC 9525).
 */
public final class ChainInspection {
    /** Warn this long before a certificate expires (as {@code check} does). */
    public static final Duration EXPIRY_MARGIN = Duration.ofDays(30);
    /** Below this an RSA key is weak (NIST SP 800-131A: 112-bit security needs 2048 bits). */
    public static final int MINIMUM_RSA_BITS = 2048;

    private final Clock clock;
    private final TrustAnchors anchors;

    public ChainInspection(Clock clock, TrustAnchors anchors) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.anchors = Objects.requireNonNull(anchors, "anchors");
    }

    public ChainReport inspect(ServerChain chain) {
        Instant now = clock.instant();
        List<X509Certificate> certificates = chain.certificates();
        List<CertificateFacts> facts = CertificateFacts.ofChain(certificates);
        List<FactsWarning> warnings = new ArrayList<>();
        for (int i = 0; i < certificates.size(); i++) {
            checkCertificate(i, certificates.get(i), facts.get(i), now, warnings);
        }
        X509Certificate top = topOfPath(certificates);
        boolean topSelfSigned = IssuerLinks.selfSigned(top);
        if (!topSelfSigned && IssuerLinks.issuerAmong(top, anchors.certificates()).isEmpty()) {
            warnings.add(new FactsWarning(FactsWarning.Kind.CHAIN_INCOMPLETE, OptionalInt.of(certificates.indexOf(top)),
                "chain incomplete: '" + top.getSubjectX500Principal().getName() + "' is not self-signed and its issuer '"
                    + top.getIssuerX500Principal().getName() + "' is neither in the chain nor in the trust anchors ("
                    + anchors.label() + "); an intermediate certificate is missing"));
        }
        for (String name : chain.helloNames()) {
            checkHelloName(name, facts.get(0), warnings);
        }
        if (chain.purpose() == ServerChain.Purpose.CLIENT) {
            checkClientAuth(certificates.get(0), warnings);
        }
        boolean wholePath = top == certificates.get(certificates.size() - 1);
        return new ChainReport(chain, facts, top.getIssuerX500Principal().getName(), topSelfSigned && wholePath, warnings);
    }

    private void checkCertificate(int index, X509Certificate certificate, CertificateFacts facts, Instant now,
                                  List<FactsWarning> warnings) {
        String who = "'" + facts.subject() + "'";
        OptionalInt position = OptionalInt.of(index);
        if (now.isAfter(facts.notAfter())) {
            warnings.add(new FactsWarning(FactsWarning.Kind.EXPIRED, position, who + " expired on " + facts.notAfter()));
        } else if (now.plus(EXPIRY_MARGIN).isAfter(facts.notAfter())) {
            long days = Duration.between(now, facts.notAfter()).toDays();
            warnings.add(new FactsWarning(FactsWarning.Kind.EXPIRES_SOON, position, who + " expires on " + facts.notAfter()
                + ", in " + days + " day" + (days == 1 ? "" : "s") + " (warning margin " + EXPIRY_MARGIN.toDays() + " days)"));
        }
        if (now.isBefore(facts.notBefore())) {
            warnings.add(new FactsWarning(FactsWarning.Kind.NOT_YET_VALID, position, who + " is not valid before " + facts.notBefore()));
        }
        if (facts.keyAlgorithm().equals("RSA") && facts.keySize() < MINIMUM_RSA_BITS) {
            warnings.add(new FactsWarning(FactsWarning.Kind.WEAK_RSA_KEY, position, who + " has an RSA key of " + facts.keySize()
                + " bits; at least " + MINIMUM_RSA_BITS + " expected"));
        }
        // The signature on a self-signed root is not relied upon (RFC 5280 §6.1: the anchor is trusted as such).
        if (facts.signatureAlgorithm().toUpperCase(Locale.ROOT).startsWith("SHA1") && !IssuerLinks.selfSigned(certificate)) {
            warnings.add(new FactsWarning(FactsWarning.Kind.SHA1_SIGNATURE, position, who + " is signed with "
                + facts.signatureAlgorithm() + "; SHA-1 signatures are refused by current TLS clients"));
        }
    }

    private static void checkHelloName(String name, CertificateFacts leaf, List<FactsWarning> warnings) {
        String accepted;
        try {
            accepted = DnsNames.normalizeAccepted(name);
        } catch (IllegalArgumentException e) {
            warnings.add(new FactsWarning(FactsWarning.Kind.HELLO_NAME_NOT_COVERED, OptionalInt.of(0),
                "helloName '" + name + "' is not a DNS host name; partners checking our name cannot match it"));
            return;
        }
        // RFC 9525 §6.2: a server's identity is in its DNS SANs only, never in the CN.
        boolean covered = leaf.dnsNames().stream().anyMatch(presented -> DnsNames.matches(accepted, presented));
        if (!covered) {
            warnings.add(new FactsWarning(FactsWarning.Kind.HELLO_NAME_NOT_COVERED, OptionalInt.of(0),
                "the leaf's DNS names " + leaf.dnsNames() + " do not cover helloName '" + name + "'"));
        }
    }

    private static void checkClientAuth(X509Certificate leaf, List<FactsWarning> warnings) {
        ClientIdentity.forbiddenForClients(leaf).ifPresent(usages -> warnings.add(new FactsWarning(FactsWarning.Kind.NO_CLIENT_AUTH,
            OptionalInt.of(0), "the client certificate's extended key usages " + usages
                + " do not include clientAuth (1.3.6.1.5.5.7.3.2); partners verifying it as a TLS client refuse it (RFC 5280 §4.2.1.12)")));
    }

    /** The last certificate reachable from the leaf by issuer links within the chain. */
    private static X509Certificate topOfPath(List<X509Certificate> certificates) {
        X509Certificate current = certificates.get(0);
        for (int step = 0; step < certificates.size() && !IssuerLinks.selfSigned(current); step++) {
            List<X509Certificate> others = new ArrayList<>(certificates);
            others.remove(current);
            Optional<X509Certificate> issuer = IssuerLinks.issuerAmong(current, others);
            if (issuer.isEmpty()) {
                break;
            }
            current = issuer.get();
        }
        return current;
    }
}
