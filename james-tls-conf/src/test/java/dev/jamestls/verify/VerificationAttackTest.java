package dev.jamestls.verify;

import static dev.jamestls.verify.Forge.NOW;
import static dev.jamestls.verify.Forge.dnsName;
import static dev.jamestls.verify.Forge.issuedBy;
import static dev.jamestls.verify.Forge.root;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.tls.CertificatePins;

/**
 * The attacker's table: one row per forged or defective chain, what is forged, and
 * the verification kind that must come out. Rows marked {@code ACCEPTED} are valid
 * chains that the stricter rules must not refuse. Every chain is generated here;
 * the verifier sees only what a peer would present and what a rule configures.
 */
class VerificationAttackTest {
    private static final Forge.Cert ROOT = root("CN=Attack Test Root").issue();
    private static final Forge.Cert INTERMEDIATE = issuedBy(ROOT, "CN=Attack Test Intermediate").ca().issue();
    private static final Forge.Cert PARTNER = issuedBy(INTERMEDIATE, "CN=partner.example").leaf()
        .dns("partner.example").issue();
    private static final Forge.Cert ATTACKER = issuedBy(INTERMEDIATE, "CN=attacker.example").leaf()
        .dns("attacker.example").issue();
    private static final Forge.Cert SELF_SIGNED_ATTACKER = root("CN=partner.example").leaf().dns("partner.example").issue();

    private final CertificateVerifier verifier = CertificateVerifierTest.verifier(Clock.fixed(NOW, ZoneOffset.UTC));

    /** One attack: what is forged, the presented chain, the rule, the kind that must result. */
    record Attack(String forged, List<X509Certificate> presented, CertificateRequirement rule, VerificationKind expected) {
        /** Verifies the presented chain against the rule and asserts the expected kind, naming the row. */
        void verifyWith(ChainVerifier verifier) {
            VerificationOutcome outcome = verifier.verify(presented, rule);

            assertThat(outcome.kind()).as(forged + ": " + outcome.message()).isEqualTo(expected);
        }

        @Override
        public String toString() {
            return forged;
        }
    }

    static Stream<Arguments> attacks() {
        List<Attack> rows = new ArrayList<>();
        // ---- pins: only the validated path (or, without validation, the leaf) counts -------------------------
        rows.add(new Attack("fingerprint: own self-signed leaf + the pinned partner certificate appended",
            chain(SELF_SIGNED_ATTACKER, PARTNER), pinsOnly(PARTNER), VerificationKind.PIN_MISMATCH));
        rows.add(new Attack("partner pin: own valid leaf + the pinned partner leaf appended",
            chain(ATTACKER, INTERMEDIATE, PARTNER), client(ROOT).withPins(Set.of(pin(PARTNER))), VerificationKind.PIN_MISMATCH));
        Forge.Cert unusedIntermediate = issuedBy(ROOT, "CN=Pinned But Unused").ca().issue();
        rows.add(new Attack("partner pin on an intermediate presented but not on the validated path",
            chain(ATTACKER, INTERMEDIATE, unusedIntermediate), client(ROOT).withPins(Set.of(pin(unusedIntermediate))),
            VerificationKind.PIN_MISMATCH));
        rows.add(new Attack("valid: pin on the intermediate of the validated path",
            chain(PARTNER, INTERMEDIATE), client(ROOT).withPins(Set.of(pin(INTERMEDIATE))), VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: pin on the trust anchor the path ends at",
            chain(PARTNER, INTERMEDIATE), client(ROOT).withPins(Set.of(pin(ROOT))), VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: fingerprint pin on the leaf",
            chain(SELF_SIGNED_ATTACKER), pinsOnly(SELF_SIGNED_ATTACKER), VerificationKind.ACCEPTED));

        // ---- trust anchors ------------------------------------------------------------------------------------
        Forge.Cert expiredRoot = root("CN=Expired Root").validity(NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(2))).issue();
        rows.add(new Attack("trust anchor expired",
            chain(issuedBy(expiredRoot, "CN=partner.example").leaf().dns("partner.example").issue()),
            client(expiredRoot), VerificationKind.EXPIRED));
        Forge.Cert futureRoot = root("CN=Future Root").validity(NOW.plus(Duration.ofDays(2)), NOW.plus(Duration.ofDays(900))).issue();
        rows.add(new Attack("trust anchor not yet valid",
            chain(issuedBy(futureRoot, "CN=partner.example").leaf().dns("partner.example").issue()),
            client(futureRoot), VerificationKind.NOT_YET_VALID));
        rows.add(new Attack("valid: an expired anchor beside a valid one for the same chain",
            chain(PARTNER, INTERMEDIATE), client(expiredRoot, ROOT), VerificationKind.ACCEPTED));

        // ---- name constraints ---------------------------------------------------------------------------------
        Forge.Cert constrainedRoot = root("CN=Constrained Root").permitted(dnsName("partner.example")).issue();
        rows.add(new Attack("anchor's nameConstraints permit only partner.example; leaf is other.example",
            chain(issuedBy(constrainedRoot, "CN=other.example").leaf().dns("other.example").issue()),
            client(constrainedRoot), VerificationKind.INVALID_PATH));
        rows.add(new Attack("valid: anchor's nameConstraints permit partner.example; leaf mx.partner.example",
            chain(issuedBy(constrainedRoot, "CN=mx.partner.example").leaf().dns("mx.partner.example").issue()),
            client(constrainedRoot).withNames("mx.partner.example"), VerificationKind.ACCEPTED));
        Forge.Cert excludingRoot = root("CN=Excluding Root").excluded(dnsName("bar.example.com")).issue();
        rows.add(new Attack("anchor's nameConstraints exclude bar.example.com; leaf is bar.example.com",
            chain(issuedBy(excludingRoot, "CN=bar.example.com").leaf().dns("bar.example.com").issue()),
            server(excludingRoot).withNames("bar.example.com"), VerificationKind.INVALID_PATH));
        Forge.Cert excludingIntermediate = issuedBy(ROOT, "CN=Excluding Intermediate").ca()
            .excluded(dnsName("bar.example.com")).issue();
        Forge.Cert wildcard = issuedBy(excludingIntermediate, "CN=wildcard").leaf().dns("*.example.com").issue();
        rows.add(new Attack("intermediate excludes bar.example.com; wildcard *.example.com matched as bar.example.com",
            chain(wildcard, excludingIntermediate), server(ROOT).withNames("bar.example.com"), VerificationKind.INVALID_PATH));
        rows.add(new Attack("intermediate excludes bar.example.com; wildcard *.example.com can stand for it",
            chain(wildcard, excludingIntermediate), server(ROOT).withNames("foo.example.com"), VerificationKind.INVALID_PATH));
        Forge.Cert cnOnly = issuedBy(constrainedRoot, "CN=other.example").leaf().issue();
        rows.add(new Attack("client certificate without SAN: its CN, used as the name, is outside the anchor's constraints",
            chain(cnOnly), client(constrainedRoot).withNames("other.example"), VerificationKind.INVALID_PATH));

        Forge.Cert wildcardConstraint = root("CN=Wildcard NC Root").permitted(dnsName("*.example.com")).issue();
        rows.add(new Attack("anchor with a malformed dNSName constraint (a wildcard)",
            chain(issuedBy(wildcardConstraint, "CN=foo.example.com").leaf().dns("foo.example.com").issue()),
            server(wildcardConstraint).withNames("foo.example.com"), VerificationKind.INVALID_PATH));
        Forge.Cert periodConstraint = root("CN=Period NC Root").permitted(dnsName(".example.com")).issue();
        rows.add(new Attack("anchor with a malformed dNSName constraint (a leading period)",
            chain(issuedBy(periodConstraint, "CN=foo.example.com").leaf().dns("foo.example.com").issue()),
            server(periodConstraint).withNames("foo.example.com"), VerificationKind.INVALID_PATH));
        Forge.Cert ipNoMask = root("CN=IP NC Root").permitted(new GeneralName(GeneralName.iPAddress,
            new DEROctetString(new byte[] {127, 0, 0, 1}))).issue();
        rows.add(new Attack("anchor with an iPAddress constraint without mask",
            chain(issuedBy(ipNoMask, "CN=partner.example").leaf().dns("partner.example").issue()), client(ipNoMask),
            VerificationKind.INVALID_PATH));
        Forge.Cert ipExcluded = root("CN=IP Excluding Root").excluded(new GeneralName(GeneralName.iPAddress, "192.0.2.0/24")).issue();
        rows.add(new Attack("anchor excludes 192.0.2.0/24; leaf has iPAddress 192.0.2.1",
            chain(issuedBy(ipExcluded, "CN=partner.example").leaf().dns("partner.example")
                .san(new GeneralName(GeneralName.iPAddress, "192.0.2.1")).issue()), client(ipExcluded), VerificationKind.INVALID_PATH));
        Forge.Cert dnPermitted = root("CN=DN NC Root").permitted(new GeneralName(new X500Name("CN=foo"))).issue();
        rows.add(new Attack("anchor permits directoryName CN=foo; leaf subject CN=not-foo with SAN DirName CN=foo",
            chain(issuedBy(dnPermitted, "CN=not-foo").leaf().san(new GeneralName(new X500Name("CN=foo"))).issue()),
            client(dnPermitted), VerificationKind.INVALID_PATH));
        Forge.Cert rootNc = root("CN=Root NC").permitted(dnsName("permitted.example.com"))
            .excluded(dnsName("forbidden.example.com")).issue();
        Forge.Cert ica1 = issuedBy(rootNc, "CN=ICA one").ca().issue();
        Forge.Cert ica2 = issuedBy(ica1, "CN=ICA two").ca().dns("forbidden.example.com").issue();
        rows.add(new Attack("anchor's constraints exclude the SAN of an intermediate further down",
            chain(issuedBy(ica2, "CN=permitted.example.com").leaf().dns("permitted.example.com").issue(), ica2, ica1),
            server(rootNc).withNames("permitted.example.com"), VerificationKind.INVALID_PATH));
        Forge.Cert narrowing1 = issuedBy(ROOT, "CN=Narrow one").ca().permitted(dnsName("foo.example.com"), dnsName("bar.example.com")).issue();
        Forge.Cert narrowing2 = issuedBy(narrowing1, "CN=Narrow two").ca().permitted(dnsName("bar.example.com")).issue();
        rows.add(new Attack("intermediates narrow the permitted names; leaf outside the narrower",
            chain(issuedBy(narrowing2, "CN=foo.example.com").leaf().dns("foo.example.com").issue(), narrowing2, narrowing1),
            server(ROOT).withNames("foo.example.com"), VerificationKind.INVALID_PATH));
        rows.add(new Attack("malformed dNSName '.example.com' beside a valid one",
            chain(issuedBy(ROOT, "CN=foo.example.com").leaf().dns(".example.com", "foo.example.com").issue()),
            server(ROOT).withNames("foo.example.com"), VerificationKind.MALFORMED));
        rows.add(new Attack("malformed rfc822Name with two @",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example")
                .san(new GeneralName(GeneralName.rfc822Name, "invalid@address@example.com")).issue()), client(ROOT),
            VerificationKind.MALFORMED));
        rows.add(new Attack("iPAddress SAN of 8 octets (a network, not an address)",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example")
                .san(new GeneralName(GeneralName.iPAddress, "192.0.2.0/24")).issue()), client(ROOT), VerificationKind.MALFORMED));
        rows.add(new Attack("valid: constraint of another type (iPAddress) does not restrict a dNSName",
            chain(issuedBy(ipExcluded, "CN=example.com").leaf().dns("example.com").issue()),
            server(ipExcluded).withNames("example.com"), VerificationKind.ACCEPTED));

        // ---- RFC 5280 profile of the certificates on the path -------------------------------------------------
        rows.add(new Attack("CA certificate used as the server's end entity (cA=TRUE)",
            chain(issuedBy(ROOT, "CN=mx.partner.example").ca().dns("mx.partner.example").issue()),
            server(ROOT).withNames("mx.partner.example"), VerificationKind.INVALID_PATH));
        rows.add(new Attack("server end entity with cA=TRUE but without keyCertSign",
            chain(issuedBy(ROOT, "CN=mx.partner.example").basicConstraints(true, true).keyUsage(KeyUsage.digitalSignature)
                .dns("mx.partner.example").issue()), server(ROOT).withNames("mx.partner.example"), VerificationKind.INVALID_PATH));
        rows.add(new Attack("server end entity with keyCertSign",
            chain(issuedBy(ROOT, "CN=mx.partner.example").leaf().keyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign)
                .dns("mx.partner.example").issue()), server(ROOT).withNames("mx.partner.example"), VerificationKind.INVALID_PATH));
        rows.add(new Attack("valid: a CA certificate ending a client path (RFC 5280; NIST PKITS 4.6.8)",
            chain(issuedBy(ROOT, "CN=partner.example").ca().dns("partner.example").issue()), client(ROOT),
            VerificationKind.ACCEPTED));
        rows.add(new Attack("end entity with nameConstraints",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().permitted(dnsName("partner.example")).dns("partner.example").issue()),
            client(ROOT), VerificationKind.INVALID_PATH));
        rows.add(new Attack("end entity with policyConstraints",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().policyConstraints().dns("partner.example").issue()),
            client(ROOT), VerificationKind.INVALID_PATH));
        rows.add(new Attack("end entity without authorityKeyIdentifier",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().noAki().dns("partner.example").issue()), client(ROOT),
            VerificationKind.INVALID_PATH));
        rows.add(new Attack("intermediate without authorityKeyIdentifier",
            chainWithIssuer(issuedBy(ROOT, "CN=No AKI CA").ca().noAki().issue()), client(ROOT), VerificationKind.INVALID_PATH));
        rows.add(new Attack("intermediate without subjectKeyIdentifier",
            chainWithIssuer(issuedBy(ROOT, "CN=No SKI CA").ca().noSki().issue()), client(ROOT), VerificationKind.INVALID_PATH));
        Forge.Cert rootWithoutSki = root("CN=Root Without SKI").noSki().issue();
        rows.add(new Attack("configured trust anchor without subjectKeyIdentifier",
            chain(issuedBy(rootWithoutSki, "CN=partner.example").leaf().dns("partner.example").issue()), client(rootWithoutSki),
            VerificationKind.INVALID_PATH));
        rows.add(new Attack("critical authorityKeyIdentifier on the leaf",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().criticalAki().dns("partner.example").issue()), client(ROOT),
            VerificationKind.MALFORMED));
        Forge.Cert rootCriticalSki = root("CN=Root Critical SKI").criticalSki().issue();
        rows.add(new Attack("critical subjectKeyIdentifier on the trust anchor",
            chain(issuedBy(rootCriticalSki, "CN=partner.example").leaf().dns("partner.example").issue()), client(rootCriticalSki),
            VerificationKind.MALFORMED));
        rows.add(new Attack("serial number zero",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().serial(BigInteger.ZERO).dns("partner.example").issue()),
            client(ROOT), VerificationKind.MALFORMED));
        rows.add(new Attack("negative serial number",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().serial(BigInteger.valueOf(-5)).dns("partner.example").issue()),
            client(ROOT), VerificationKind.MALFORMED));
        rows.add(new Attack("serial number of 22 octets",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().serial(BigInteger.ONE.shiftLeft(170)).dns("partner.example").issue()),
            client(ROOT), VerificationKind.MALFORMED));
        rows.add(new Attack("subjectAltName extension without any name",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().emptySan().issue()), client(ROOT), VerificationKind.MALFORMED));
        rows.add(new Attack("empty dNSName in subjectAltName",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example", "").issue()), client(ROOT),
            VerificationKind.MALFORMED));
        rows.add(new Attack("dNSName with a space in subjectAltName",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example", "evil .example").issue()), client(ROOT),
            VerificationKind.MALFORMED));
        rows.add(new Attack("intermediate without basicConstraints",
            chainWithIssuer(issuedBy(ROOT, "CN=No BC CA").ca().basicConstraints(null, true).issue()), client(ROOT),
            VerificationKind.INVALID_PATH));
        rows.add(new Attack("valid: intermediate with non-critical basicConstraints (RFC 5280 §6.1.4 (k), NIST PKITS 4.6.4)",
            chainWithIssuer(issuedBy(ROOT, "CN=Soft BC CA").ca().basicConstraints(true, false).issue()), client(ROOT),
            VerificationKind.ACCEPTED));
        Forge.Cert softRoot = root("CN=Soft BC Root").basicConstraints(true, false).issue();
        rows.add(new Attack("configured trust anchor with non-critical basicConstraints",
            chain(issuedBy(softRoot, "CN=partner.example").leaf().dns("partner.example").issue()), client(softRoot),
            VerificationKind.INVALID_PATH));
        Forge.Cert noSignRoot = root("CN=No keyCertSign Root").keyUsage(KeyUsage.cRLSign).issue();
        rows.add(new Attack("configured trust anchor with cA=TRUE but without keyCertSign",
            chain(issuedBy(noSignRoot, "CN=partner.example").leaf().dns("partner.example").issue()), client(noSignRoot),
            VerificationKind.INVALID_PATH));
        rows.add(new Attack("intermediate with pathLenConstraint but without keyCertSign",
            chainWithIssuer(issuedBy(ROOT, "CN=PathLen CA").ca().pathLen(0).keyUsage(KeyUsage.digitalSignature).issue()),
            client(ROOT), VerificationKind.WRONG_USAGE));
        rows.add(new Attack("critical authorityInfoAccess on the leaf",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example")
                .extension("1.3.6.1.5.5.7.1.1", true, new DERSequence()).issue()), client(ROOT), VerificationKind.MALFORMED));
        Forge.Cert rootUnknownCritical = root("CN=Root Unknown Critical").extension("1.3.6.1.4.1.55738.666.1", true, DERNull.INSTANCE).issue();
        rows.add(new Attack("unknown critical extension on the trust anchor",
            chain(issuedBy(rootUnknownCritical, "CN=partner.example").leaf().dns("partner.example").issue()),
            client(rootUnknownCritical), VerificationKind.MALFORMED));
        rows.add(new Attack("unknown critical extension on the leaf",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().dns("partner.example")
                .extension("1.3.6.1.4.1.55738.666.1", true, DERNull.INSTANCE).issue()), client(ROOT), VerificationKind.MALFORMED));
        Forge.Cert strayCritical = issuedBy(ROOT, "CN=Stray CA").ca().extension("1.3.6.1.4.1.55738.666.1", true, DERNull.INSTANCE).issue();
        rows.add(new Attack("valid: unknown critical extension on a presented certificate not on the path",
            chain(PARTNER, INTERMEDIATE, strayCritical), client(ROOT), VerificationKind.ACCEPTED));

        // ---- names ----------------------------------------------------------------------------------------------
        rows.add(new Attack("wildcard on a public suffix: *.co.uk for foo.co.uk",
            chain(issuedBy(ROOT, "CN=wild").leaf().dns("*.co.uk").issue()), server(ROOT).withNames("foo.co.uk"),
            VerificationKind.NAME_MISMATCH));
        rows.add(new Attack("wildcard on a private public suffix: *.s3.amazonaws.com",
            chain(issuedBy(ROOT, "CN=wild").leaf().dns("*.s3.amazonaws.com").issue()),
            server(ROOT).withNames("bucket.s3.amazonaws.com"), VerificationKind.NAME_MISMATCH));
        rows.add(new Attack("wildcard on a top-level domain: *.com",
            chain(issuedBy(ROOT, "CN=wild").leaf().dns("*.com").issue()), server(ROOT).withNames("example.com"),
            VerificationKind.NAME_MISMATCH));
        rows.add(new Attack("valid: wildcard *.example.com for foo.example.com",
            chain(issuedBy(ROOT, "CN=wild").leaf().dns("*.example.com").issue()), server(ROOT).withNames("foo.example.com"),
            VerificationKind.ACCEPTED));
        rows.add(new Attack("client certificate with a SAN (e-mail only): its CN is not used as a name",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().san(new GeneralName(GeneralName.rfc822Name, "pm@partner.example")).issue()),
            client(ROOT).withNames("partner.example"), VerificationKind.NAME_MISMATCH));
        rows.add(new Attack("valid: client certificate without SAN, CN used as its name",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().issue()), client(ROOT).withNames("partner.example"),
            VerificationKind.ACCEPTED));

        // ---- work bounds ------------------------------------------------------------------------------------------
        rows.add(new Attack("a chain of 11 presented certificates (JSSE's default maximum is 10)",
            Forge.longChain(ROOT, 10, "partner.example"), client(ROOT), VerificationKind.INVALID_PATH));
        rows.add(new Attack("a chain of 100 presented certificates, refused before any signature check",
            Forge.longChain(ROOT, 99, "partner.example"), client(ROOT), VerificationKind.INVALID_PATH));
        rows.add(new Attack("valid: a chain of 10 presented certificates",
            Forge.longChain(ROOT, 9, "partner.example"), client(ROOT), VerificationKind.ACCEPTED));

        // ---- valid shapes the stricter rules must keep accepting --------------------------------------------------
        rows.add(new Attack("valid: CVE-2024-0567 graph, three mutually cross-signed roots, only A trusted",
            crossSignedGraph(), server(CROSS_ROOT_A).withNames("cve-2024-0567.example.com"), VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: leaf without basicConstraints and keyUsage",
            chain(issuedBy(ROOT, "CN=partner.example").basicConstraints(null, true).keyUsage(null).dns("partner.example").issue()),
            client(ROOT), VerificationKind.ACCEPTED));
        Forge.Cert selfSignedCaLeaf = root("CN=partner.example").dns("partner.example").issue();
        rows.add(new Attack("valid: a partner's self-signed certificate configured as its own anchor (cA=TRUE, openssl default)",
            chain(selfSignedCaLeaf), client(selfSignedCaLeaf).withNames("partner.example"), VerificationKind.ACCEPTED));
        Forge.Cert rootWithoutAki = root("CN=Root Without AKI").noAki().issue();
        rows.add(new Attack("valid: self-signed anchor without authorityKeyIdentifier",
            chain(issuedBy(rootWithoutAki, "CN=partner.example").leaf().dns("partner.example").issue()), client(rootWithoutAki),
            VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: EKU clientAuth",
            chain(issuedBy(ROOT, "CN=partner.example").leaf().eku(KeyPurposeId.id_kp_clientAuth).dns("partner.example").issue()),
            client(ROOT), VerificationKind.ACCEPTED));
        return rows.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void refusesTheForgeryWithItsKind(Attack attack) {
        attack.verifyWith(verifier);
    }

    static Stream<Arguments> validityBoundaries() {
        return Stream.of(
            Arguments.of("notBefore, exactly", Duration.ZERO, VerificationKind.ACCEPTED),
            Arguments.of("1 ms before notBefore (floored to the second before)", Duration.ofMillis(-1), VerificationKind.NOT_YET_VALID),
            Arguments.of("notAfter, exactly", Duration.ofDays(31), VerificationKind.ACCEPTED),
            Arguments.of("5 ms after notAfter (same second)", Duration.ofDays(31).plusMillis(5), VerificationKind.ACCEPTED),
            Arguments.of("1 s after notAfter", Duration.ofDays(31).plusSeconds(1), VerificationKind.EXPIRED));
    }

    /** RFC 5280 §4.1.2.5: validity is inclusive at both ends, with one-second granularity. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validityBoundaries")
    void judgesValidityAtTheGranularityOfCertificateTimes(String when, Duration afterNotBefore, VerificationKind expected) {
        java.time.Instant notBefore = NOW.plus(Duration.ofDays(10));
        java.time.Instant notAfter = notBefore.plus(Duration.ofDays(31));
        Forge.Cert root = root("CN=Boundary Root").validity(notBefore, notAfter).issue();
        Forge.Cert ica = issuedBy(root, "CN=Boundary ICA").ca().validity(notBefore, notAfter).issue();
        Forge.Cert leaf = issuedBy(ica, "CN=boundary.example").leaf().dns("boundary.example").validity(notBefore, notAfter).issue();
        CertificateVerifier atTime = CertificateVerifierTest.verifier(Clock.fixed(notBefore.plus(afterNotBefore), ZoneOffset.UTC));

        assertThat(atTime.verify(chain(leaf, ica), server(root).withNames("boundary.example")).kind()).isEqualTo(expected);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static final Forge.Cert CROSS_ROOT_A = root("CN=Root A").issue();

    /** leaf -> A1 -> (A <-> B <-> C) -> Root A, every cross certificate presented (ten certificates). */
    private static List<X509Certificate> crossSignedGraph() {
        java.security.KeyPair keyA = CROSS_ROOT_A.keyPair();
        java.security.KeyPair keyB = Forge.ecKey();
        java.security.KeyPair keyC = Forge.ecKey();
        Forge.Cert bByA = issuedBy(CROSS_ROOT_A, "CN=Root B").ca().key(keyB).issue();
        Forge.Cert cByA = issuedBy(CROSS_ROOT_A, "CN=Root C").ca().key(keyC).issue();
        Forge.Cert aByB = issuedBy(bByA, "CN=Root A").ca().key(keyA).issue();
        Forge.Cert aByC = issuedBy(cByA, "CN=Root A").ca().key(keyA).issue();
        Forge.Cert bByC = issuedBy(cByA, "CN=Root B").ca().key(keyB).issue();
        Forge.Cert cByB = issuedBy(bByA, "CN=Root C").ca().key(keyC).issue();
        Forge.Cert a1 = issuedBy(CROSS_ROOT_A, "CN=Intermediate A1").ca().issue();
        Forge.Cert b1 = issuedBy(bByA, "CN=Intermediate B1").ca().issue();
        Forge.Cert c1 = issuedBy(cByA, "CN=Intermediate C1").ca().issue();
        Forge.Cert leaf = issuedBy(a1, "CN=cve-2024-0567.example.com").leaf().dns("cve-2024-0567.example.com").issue();
        return chain(leaf, a1, aByB, aByC, b1, bByA, bByC, c1, cByA, cByB);
    }

    private static List<X509Certificate> chain(Forge.Cert... certificates) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Forge.Cert certificate : certificates) {
            if (certificate != null) {
                chain.add(certificate.x509());
            }
        }
        return chain;
    }

    /** A partner leaf under {@code issuer}, presented with it. */
    private static List<X509Certificate> chainWithIssuer(Forge.Cert issuer) {
        return chain(issuedBy(issuer, "CN=partner.example").leaf().dns("partner.example").issue(), issuer);
    }

    private static String pin(Forge.Cert certificate) {
        return CertificatePins.spkiSha256(certificate.x509());
    }

    private static CertificateRequirement pinsOnly(Forge.Cert pinned) {
        return CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH, Set.of(pin(pinned)));
    }

    private static CertificateRequirement client(Forge.Cert... anchors) {
        return CertificateRequirement.client(Stream.of(anchors).map(Forge.Cert::x509).toList());
    }

    private static CertificateRequirement server(Forge.Cert... anchors) {
        return CertificateRequirement.server(Stream.of(anchors).map(Forge.Cert::x509).toList());
    }
}
