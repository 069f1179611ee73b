package dev.jamestls.verify;

import static dev.jamestls.verify.Forge.NOW;
import static dev.jamestls.verify.Forge.issuedBy;
import static dev.jamestls.verify.Forge.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.verify.VerificationAttackTest.Attack;

/**
 * The attacker's table for DANE (RFC 7672 §3, RFC 6698 §2, RFC 7671 §5): one row per forged or
 * unusual chain against the TLSA records a destination publishes, and the kind that must come out.
 * Rows marked {@code ACCEPTED} are valid DANE chains that must keep passing. The records are computed
 * here from the certificates with the JDK alone (DER, {@code getPublicKey().getEncoded()}, SHA-2), not
 * with the code under test.
 */
class DaneAttackTest {
    private static final String MX = "mx.partner.example";
    private static final String DOMAIN = "partner.example";
    private static final Forge.Cert ROOT = root("CN=DANE Root").issue();
    private static final Forge.Cert ISSUING = issuedBy(ROOT, "CN=DANE Issuing CA").ca().issue();
    private static final Forge.Cert SERVER = issuedBy(ISSUING, "CN=" + MX).leaf().dns(MX).issue();
    private static final Forge.Cert OTHER_ROOT = root("CN=Attacker Root").issue();
    private static final Forge.Cert OTHER_ISSUING = issuedBy(OTHER_ROOT, "CN=Attacker Issuing CA").ca().issue();
    private static final Forge.Cert ATTACKER = issuedBy(OTHER_ISSUING, "CN=" + MX).leaf().dns(MX).issue();
    private static final Forge.Cert SELF_SIGNED_ATTACKER = root("CN=" + MX).leaf().dns(MX).issue();

    private final CertificateVerifier verifier = CertificateVerifierTest.verifier(Clock.fixed(NOW, ZoneOffset.UTC));

    static Stream<Arguments> attacks() {
        List<Attack> rows = new ArrayList<>();
        // ---- DANE-EE(3): the leaf, and only the leaf (RFC 7672 §3.1.1) ----------------------------------------
        rows.add(new Attack("DANE-EE record matches a certificate appended after a foreign leaf",
            chain(SELF_SIGNED_ATTACKER, SERVER), dane(ee(1, 1, SERVER)), VerificationKind.TLSA_MISMATCH));
        rows.add(new Attack("DANE-EE record matches a CA-signed certificate appended after the attacker's CA-signed leaf",
            chain(ATTACKER, OTHER_ISSUING, SERVER), dane(ee(0, 1, SERVER)), VerificationKind.TLSA_MISMATCH));
        rows.add(new Attack("DANE-EE record matches the issuing CA presented after an attacker's leaf",
            chain(ATTACKER, ISSUING), dane(ee(1, 1, ISSUING)), VerificationKind.TLSA_MISMATCH));
        rows.add(new Attack("DANE-EE SHA2-256 of the leaf's SPKI with one bit flipped",
            chain(SERVER, ISSUING), dane(flipped(ee(1, 1, SERVER))), VerificationKind.TLSA_MISMATCH));
        Forge.Cert reusedKey = issuedBy(OTHER_ISSUING, "CN=other.example").leaf().key(SERVER.keyPair()).dns("other.example").issue();
        rows.add(new Attack("valid: DANE-EE SPKI record, the same key in a different certificate (SPKI semantics)",
            chain(reusedKey, OTHER_ISSUING), dane(ee(1, 1, SERVER)), VerificationKind.ACCEPTED));
        rows.add(new Attack("DANE-EE Cert record, the same key in a different certificate (the whole certificate is bound)",
            chain(reusedKey, OTHER_ISSUING), dane(ee(0, 1, SERVER)), VerificationKind.TLSA_MISMATCH));
        Forge.Cert expiredLeaf = root("CN=" + MX).leaf().dns(MX)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35))).issue();
        rows.add(new Attack("valid: DANE-EE leaf expired (RFC 7672 §3.1.1: dates are not checked)",
            chain(expiredLeaf), dane(ee(1, 1, expiredLeaf)), VerificationKind.ACCEPTED));
        Forge.Cert futureLeaf = root("CN=" + MX).leaf().dns(MX)
            .validity(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(300))).issue();
        rows.add(new Attack("valid: DANE-EE leaf not yet valid",
            chain(futureLeaf), dane(ee(0, 2, futureLeaf)), VerificationKind.ACCEPTED));
        Forge.Cert wrongName = root("CN=unrelated.example").leaf().dns("unrelated.example").issue();
        rows.add(new Attack("valid: DANE-EE leaf with a name that is neither the MX host nor the domain (no name check)",
            chain(wrongName), dane(ee(1, 1, wrongName)), VerificationKind.ACCEPTED));
        Forge.Cert oddLeaf = root("CN=" + MX).leaf().serial(BigInteger.ZERO)
            .extension("1.3.6.1.4.1.55738.666.1", true, DERNull.INSTANCE).issue();
        rows.add(new Attack("valid: DANE-EE leaf with serial 0 and an unknown critical extension (only the key counts)",
            chain(oddLeaf), dane(ee(1, 1, oddLeaf)), VerificationKind.ACCEPTED));
        Forge.Cert clientOnly = root("CN=" + MX).leaf().eku(KeyPurposeId.id_kp_clientAuth).issue();
        rows.add(new Attack("valid: DANE-EE leaf whose EKU is clientAuth only (usage is not checked)",
            chain(clientOnly), dane(ee(1, 1, clientOnly)), VerificationKind.ACCEPTED));
        rows.add(new Attack("DANE-EE: one usable record matches, one PKIX-EE(1) record that also matches is ignored",
            chain(SERVER, ISSUING), dane(record(1, 1, 1, SERVER), ee(1, 1, SERVER)), VerificationKind.ACCEPTED));
        rows.add(new Attack("PKIX-EE(1) record matching the leaf beside a usable record that does not",
            chain(SERVER, ISSUING), dane(record(1, 1, 1, SERVER), ee(1, 1, ISSUING)), VerificationKind.TLSA_MISMATCH));

        // ---- DANE-TA(2): a presented trust anchor, then RFC 5280 and the names (RFC 7672 §3.1.2, §3.2) -------
        rows.add(new Attack("DANE-TA record matches an appended CA that did not sign the attacker's leaf",
            chain(ATTACKER, OTHER_ISSUING, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.NOT_TRUSTED));
        rows.add(new Attack("DANE-TA record matches an appended CA; the attacker's leaf's issuer is not presented",
            chain(ATTACKER, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.CHAIN_INCOMPLETE));
        rows.add(new Attack("DANE-TA record matches an appended CA; the attacker's leaf is self-signed",
            chain(SELF_SIGNED_ATTACKER, ISSUING), dane(ta(0, 1, ISSUING)), VerificationKind.NOT_TRUSTED));
        Forge.Cert sameDnForgery = root("CN=DANE Issuing CA").issue();
        Forge.Cert forgedLeaf = issuedBy(sameDnForgery, "CN=" + MX).leaf().dns(MX).issue();
        rows.add(new Attack("DANE-TA: leaf signed by a forged CA of the same name as the published TA",
            chain(forgedLeaf, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.NOT_TRUSTED));
        rows.add(new Attack("DANE-TA record matches the leaf itself, which is not self-issued (a TA is an issuer)",
            chain(SERVER, ISSUING), dane(ta(1, 1, SERVER)), VerificationKind.TLSA_MISMATCH));
        rows.add(new Attack("DANE-TA record for a trust anchor the server does not present (RFC 7672 §3.1.2, RFC 7671 §5.2)",
            chain(SERVER, ISSUING), dane(ta(1, 1, ROOT)), VerificationKind.TLSA_MISMATCH));
        Forge.Cert wrongNameLeaf = issuedBy(ISSUING, "CN=mx.attacker.example").leaf().dns("mx.attacker.example").issue();
        rows.add(new Attack("DANE-TA-signed leaf with a wrong name",
            chain(wrongNameLeaf, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.NAME_MISMATCH));
        Forge.Cert expiredTaLeaf = issuedBy(ISSUING, "CN=" + MX).leaf().dns(MX)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35))).issue();
        rows.add(new Attack("DANE-TA-signed leaf expired",
            chain(expiredTaLeaf, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.EXPIRED));
        Forge.Cert futureTaLeaf = issuedBy(ISSUING, "CN=" + MX).leaf().dns(MX)
            .validity(NOW.plus(Duration.ofDays(3)), NOW.plus(Duration.ofDays(300))).issue();
        rows.add(new Attack("DANE-TA-signed leaf not yet valid",
            chain(futureTaLeaf, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.NOT_YET_VALID));
        Forge.Cert expiredTa = root("CN=Expired DANE Root").validity(NOW.minus(Duration.ofDays(900)), NOW.minus(Duration.ofDays(2))).issue();
        rows.add(new Attack("DANE-TA: the presented trust anchor itself expired",
            chain(issuedBy(expiredTa, "CN=" + MX).leaf().dns(MX).issue(), expiredTa), dane(ta(1, 1, expiredTa)),
            VerificationKind.EXPIRED));
        rows.add(new Attack("DANE-TA-signed leaf for clientAuth only",
            chain(issuedBy(ISSUING, "CN=" + MX).leaf().dns(MX).eku(KeyPurposeId.id_kp_clientAuth).issue(), ISSUING),
            dane(ta(1, 1, ISSUING)), VerificationKind.WRONG_USAGE));
        rows.add(new Attack("DANE-TA-signed leaf that is a CA certificate",
            chain(issuedBy(ISSUING, "CN=" + MX).ca().dns(MX).issue(), ISSUING), dane(ta(1, 1, ISSUING)),
            VerificationKind.INVALID_PATH));
        rows.add(new Attack("DANE-TA-signed leaf with an unknown critical extension",
            chain(issuedBy(ISSUING, "CN=" + MX).leaf().dns(MX).extension("1.3.6.1.4.1.55738.666.1", true, DERNull.INSTANCE)
                .issue(), ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.MALFORMED));
        rows.add(new Attack("DANE-TA: both a TA and an EE record, neither matches",
            chain(ATTACKER, OTHER_ISSUING), dane(ta(1, 1, ISSUING), ee(1, 1, SERVER)), VerificationKind.TLSA_MISMATCH));
        rows.add(new Attack("valid: DANE-TA on the issuing CA, the root not presented",
            chain(SERVER, ISSUING), dane(ta(1, 1, ISSUING)), VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: DANE-TA on the root, presented with the chain, out of order",
            chain(SERVER, ROOT, ISSUING), dane(ta(0, 1, ROOT)), VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: DANE-TA-signed leaf named for the next-hop domain",
            chain(issuedBy(ISSUING, "CN=" + DOMAIN).leaf().dns(DOMAIN).issue(), ISSUING), dane(ta(1, 1, ISSUING)),
            VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: DANE-TA-signed wildcard leaf *.partner.example for the MX host",
            chain(issuedBy(ISSUING, "CN=wild").leaf().dns("*." + DOMAIN).issue(), ISSUING), dane(ta(1, 1, ISSUING)),
            VerificationKind.ACCEPTED));
        rows.add(new Attack("valid: DANE-TA path accepted though an EE record beside it does not match",
            chain(SERVER, ISSUING), dane(ee(1, 1, ATTACKER), ta(1, 2, ISSUING)), VerificationKind.ACCEPTED));
        Forge.Cert selfIssued = root("CN=" + MX).dns(MX).issue();
        rows.add(new Attack("valid: DANE-TA record matching a self-issued leaf, which is then its own anchor",
            chain(selfIssued), dane(ta(1, 1, selfIssued)), VerificationKind.ACCEPTED));
        Forge.Cert selfIssuedWrongName = root("CN=mx.attacker.example").dns("mx.attacker.example").issue();
        rows.add(new Attack("DANE-TA record matching a self-issued leaf with a wrong name",
            chain(selfIssuedWrongName), dane(ta(1, 1, selfIssuedWrongName)), VerificationKind.NAME_MISMATCH));
        Forge.Cert selfIssuedExpired = root("CN=" + MX).dns(MX)
            .validity(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35))).issue();
        rows.add(new Attack("DANE-TA record matching a self-issued leaf that expired",
            chain(selfIssuedExpired), dane(ta(1, 1, selfIssuedExpired)), VerificationKind.EXPIRED));

        // ---- every selector x matching type, for both usages -------------------------------------------------
        for (int selector : new int[] {TlsaRecord.SELECTOR_CERT, TlsaRecord.SELECTOR_SPKI}) {
            for (int matching : new int[] {TlsaRecord.MATCH_FULL, TlsaRecord.MATCH_SHA256, TlsaRecord.MATCH_SHA512}) {
                rows.add(new Attack("valid: DANE-EE 3 " + selector + " " + matching + " on the leaf",
                    chain(SERVER, ISSUING), dane(ee(selector, matching, SERVER)), VerificationKind.ACCEPTED));
                rows.add(new Attack("valid: DANE-TA 2 " + selector + " " + matching + " on the issuing CA",
                    chain(SERVER, ISSUING), dane(ta(selector, matching, ISSUING)), VerificationKind.ACCEPTED));
                rows.add(new Attack("DANE-EE 3 " + selector + " " + matching + " of another certificate",
                    chain(SERVER, ISSUING), dane(ee(selector, matching, ATTACKER)), VerificationKind.TLSA_MISMATCH));
            }
        }

        // ---- work bounds and empty input ---------------------------------------------------------------------
        List<X509Certificate> eleven = Forge.longChain(ROOT, 10, MX);
        rows.add(new Attack("a chain of 11 presented certificates whose leaf matches DANE-EE",
            eleven, dane(ee(1, 1, eleven.get(0))), VerificationKind.INVALID_PATH));
        List<X509Certificate> ten = Forge.longChain(ROOT, 9, MX);
        rows.add(new Attack("valid: a chain of 10 presented certificates whose leaf matches DANE-EE",
            ten, dane(ee(1, 1, ten.get(0))), VerificationKind.ACCEPTED));
        rows.add(new Attack("no certificate presented",
            List.of(), dane(ee(1, 1, SERVER)), VerificationKind.NO_CERTIFICATE));
        return rows.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void refusesTheForgeryWithItsKind(Attack attack) {
        attack.verifyWith(verifier);
    }

    static Stream<Arguments> unusable() {
        return Stream.of(
            Arguments.of("PKIX-TA(0) only (RFC 7672 §3.1.3)", List.of(record(0, 1, 1, ISSUING)),
                "none of the TLSA records [0 1 1 " + prefix(record(0, 1, 1, ISSUING)) + "…] is usable for SMTP"),
            Arguments.of("PKIX-EE(1) only (RFC 7672 §3.1.3)", List.of(record(1, 1, 1, SERVER)),
                "none of the TLSA records [1 1 1 " + prefix(record(1, 1, 1, SERVER)) + "…] is usable for SMTP"),
            Arguments.of("unknown matching type 3", List.of(new TlsaRecord(3, 1, 3, new byte[32])),
                "none of the TLSA records [3 1 3 0000000000000000…] is usable for SMTP"),
            Arguments.of("unknown selector 2", List.of(new TlsaRecord(3, 2, 1, new byte[32])),
                "none of the TLSA records [3 2 1 0000000000000000…] is usable for SMTP"),
            Arguments.of("SHA2-256 of 31 octets", List.of(new TlsaRecord(3, 1, 1, new byte[31])),
                "none of the TLSA records [3 1 1 0000000000000000…] is usable for SMTP"),
            Arguments.of("SHA2-512 of 32 octets, beside PKIX-EE", List.of(new TlsaRecord(2, 0, 2, new byte[32]),
                    new TlsaRecord(1, 0, 0, new byte[] {1, 2})),
                "none of the TLSA records [2 0 2 0000000000000000…, 1 0 0 0102] is usable for SMTP"),
            Arguments.of("no records at all", List.of(), "none of the TLSA records [] is usable for SMTP"));
    }

    /** Delivery treats "no usable TLSA record" before it builds a requirement: the requirement cannot exist. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void cannotBuildADaneRequirementWithoutAUsableRecord(String reason, List<TlsaRecord> tlsa, String message) {
        assertThatThrownBy(() -> CertificateRequirement.dane(tlsa, List.of(MX, DOMAIN)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(message + " (RFC 7672 §3.1.3: usage 2 DANE-TA or 3 DANE-EE, selector 0 Cert or 1 SPKI, "
                + "matching type 0 Full, 1 SHA2-256 of 32 octets or 2 SHA2-512 of 64 octets)");
    }

    static Stream<Arguments> misuse() {
        CertificateRequirement dane = CertificateRequirement.dane(List.of(ta(1, 1, ISSUING)), List.of(MX));
        String pin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        return Stream.of(
            Arguments.of("DANE-TA without names", (Supplier<Object>) () -> CertificateRequirement.dane(List.of(ta(1, 1, ISSUING)),
                List.of()), "DANE-TA records need the names to check (RFC 7672 §3.2.2: the MX host name and the next-hop "
                + "domain); got none"),
            Arguments.of("pins beside DANE", (Supplier<Object>) () -> dane.withPins(Set.of(pin)),
                "pins, an issuer, trust anchors and revocation do not apply to DANE (RFC 7672 §3.1: the TLSA records "
                    + "are the trust decision)"),
            Arguments.of("issuer beside DANE", (Supplier<Object>) () -> dane.withIssuer("CN=Partner CA"),
                "pins, an issuer, trust anchors and revocation do not apply to DANE (RFC 7672 §3.1: the TLSA records "
                    + "are the trust decision)"),
            Arguments.of("revocation beside DANE", (Supplier<Object>) () -> dane.withRevocation(RevocationChecking.SOFT_FAIL),
                "pins, an issuer, trust anchors and revocation do not apply to DANE (RFC 7672 §3.1: the TLSA records "
                    + "are the trust decision)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misuse")
    void refusesWhatDoesNotApplyToDane(String reason, Supplier<Object> build, String message) {
        assertThatThrownBy(build::get).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void keepsOnlyTheUsableRecordsOnceEach() {
        TlsaRecord usable = ee(1, 1, SERVER);

        CertificateRequirement rule = CertificateRequirement.dane(List.of(record(1, 1, 1, SERVER), usable, usable), List.of(MX));

        assertThat(rule.tlsa()).containsExactly(usable);
        assertThat(rule.usesDane()).isTrue();
        assertThat(CertificateRequirement.server(List.of(ROOT.x509())).usesDane()).isFalse();
    }

    @Test
    void describesTheRecordsCompactly() {
        TlsaRecord full = ee(0, 0, SERVER);
        TlsaRecord digest = ta(1, 1, ISSUING);

        String described = CertificateRequirement.dane(List.of(full, digest), List.of(MX, DOMAIN)).describe();

        assertThat(described).isEqualTo("purpose serverAuth, names [" + MX + ", " + DOMAIN + "], DANE TLSA [3 0 0 "
            + prefix(full) + "… (" + full.data().length + " octets), 2 1 1 " + prefix(digest) + "…]");
    }

    @Test
    void failureNamesTheLeafAndIsReportedAsTlsaInvalid() {
        VerificationOutcome outcome = verifier.verify(chain(ATTACKER, OTHER_ISSUING),
            CertificateRequirement.dane(List.of(ee(1, 1, SERVER)), List.of(MX)));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.TLSA_MISMATCH);
        assertThat(outcome.temporary()).isFalse();
        assertThat(outcome.resultType()).contains(TlsRptResultType.TLSA_INVALID);
        assertThat(outcome.reason()).isEqualTo("the leaf 'CN=" + MX + "' (SPKI SHA2-256 "
            + HexFormat.of().formatHex(ee(1, 1, ATTACKER).data()) + ") matches no DANE-EE record and no presented "
            + "certificate matches a DANE-TA record");
    }

    @Test
    void acceptanceNotesTheRecordThatMatched() {
        TlsaRecord record = ta(1, 1, ISSUING);

        VerificationOutcome outcome = verifier.verify(chain(SERVER, ISSUING), CertificateRequirement.dane(List.of(record), List.of(MX)));

        assertThat(outcome.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(outcome.notes()).containsExactly("DANE-TA: 'CN=DANE Issuing CA' matches TLSA 2 1 1 " + prefix(record) + "…");
        assertThat(outcome.validUntil()).isEqualTo(SERVER.x509().getNotAfter().toInstant());
    }

    @Test
    void cachesByTheRecordsNotJustTheChain() {
        CachingCertificateVerifier caching = new CachingCertificateVerifier(verifier, Clock.fixed(NOW, ZoneOffset.UTC), 10,
            Duration.ofHours(1));
        List<X509Certificate> presented = chain(SERVER, ISSUING);

        VerificationOutcome matching = caching.verify(presented, CertificateRequirement.dane(List.of(ee(1, 1, SERVER)), List.of(MX)));
        VerificationOutcome rolledOver = caching.verify(presented,
            CertificateRequirement.dane(List.of(ee(1, 1, ATTACKER)), List.of(MX)));

        assertThat(matching.kind()).isEqualTo(VerificationKind.ACCEPTED);
        assertThat(rolledOver.kind()).isEqualTo(VerificationKind.TLSA_MISMATCH);
        assertThat(caching.size()).isEqualTo(2);
    }

    /** The requirement a delivery to {@link #MX} builds from {@code records}. */
    private static CertificateRequirement dane(TlsaRecord... records) {
        return CertificateRequirement.dane(List.of(records), List.of(MX, DOMAIN));
    }

    // ---- records, computed with the JDK alone --------------------------------------------------------------------

    static TlsaRecord ee(int selector, int matching, Forge.Cert certificate) {
        return record(TlsaRecord.DANE_EE, selector, matching, certificate);
    }

    static TlsaRecord ee(int selector, int matching, X509Certificate certificate) {
        return record(TlsaRecord.DANE_EE, selector, matching, certificate);
    }

    static TlsaRecord ta(int selector, int matching, Forge.Cert certificate) {
        return record(TlsaRecord.DANE_TA, selector, matching, certificate);
    }

    static TlsaRecord record(int usage, int selector, int matching, Forge.Cert certificate) {
        return record(usage, selector, matching, certificate.x509());
    }

    /** RFC 6698 §2.1.2-2.1.3: Cert is the DER certificate, SPKI its DER SubjectPublicKeyInfo; Full, SHA-256, SHA-512. */
    static TlsaRecord record(int usage, int selector, int matching, X509Certificate certificate) {
        try {
            byte[] selected = selector == TlsaRecord.SELECTOR_CERT ? certificate.getEncoded() : certificate.getPublicKey().getEncoded();
            byte[] data = switch (matching) {
                case TlsaRecord.MATCH_FULL -> selected;
                case TlsaRecord.MATCH_SHA256 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case TlsaRecord.MATCH_SHA512 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> throw new IllegalArgumentException("matching type " + matching);
            };
            return new TlsaRecord(usage, selector, matching, data);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first eight octets of the data in hex, as messages print a record. */
    private static String prefix(TlsaRecord record) {
        return HexFormat.of().formatHex(record.data()).substring(0, 16);
    }

    private static TlsaRecord flipped(TlsaRecord record) {
        byte[] data = record.data();
        data[data.length - 1] ^= 1;
        return new TlsaRecord(record.usage(), record.selector(), record.matchingType(), data);
    }

    private static List<X509Certificate> chain(Forge.Cert... certificates) {
        return Stream.of(certificates).map(Forge.Cert::x509).toList();
    }
}
