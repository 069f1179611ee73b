package dev.jamestls.dane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;

class TlsaMatchTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=TLSA Test Root", NOW);
    private static final IssuedCertificate SERVER = CA.leaf("CN=mx.example").dnsNames("mx.example").issue();
    private static final X509Certificate LEAF = SERVER.certificate();

    @Test
    void selectsTheSubjectPublicKeyInfoAsTheCertificateCarriesIt() throws Exception {
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(LEAF.getPublicKey().getEncoded());

        assertThat(TlsaMatch.associationData(TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, LEAF)).isEqualTo(expected);
        assertThat(TlsaMatch.associationData(TlsaRecord.SELECTOR_CERT, TlsaRecord.MATCH_FULL, LEAF)).isEqualTo(LEAF.getEncoded());
    }

    @Test
    void anUnusableRecordMatchesNothingEvenWithTheRightData() {
        byte[] digest = TlsaMatch.associationData(TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, LEAF);

        assertThat(TlsaMatch.matches(new TlsaRecord(TlsaRecord.DANE_EE, 1, 1, digest), LEAF)).isTrue();
        assertThat(TlsaMatch.matches(new TlsaRecord(1, 1, 1, digest), LEAF)).as("PKIX-EE").isFalse();
        assertThat(TlsaMatch.matches(new TlsaRecord(0, 1, 1, digest), LEAF)).as("PKIX-TA").isFalse();
    }

    @Test
    void onlyTheLeafCountsForDaneEeAndOnlyAnIssuerOrASelfIssuedLeafForDaneTa() {
        TlsaRecord leafRecord = new TlsaRecord(TlsaRecord.DANE_EE, 1, 1,
            TlsaMatch.associationData(TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, LEAF));
        TlsaRecord leafAsAnchor = new TlsaRecord(TlsaRecord.DANE_TA, 1, 1, leafRecord.data());
        X509Certificate root = CA.certificate().certificate();
        TlsaRecord rootAsAnchor = new TlsaRecord(TlsaRecord.DANE_TA, 0, 2,
            TlsaMatch.associationData(TlsaRecord.SELECTOR_CERT, TlsaRecord.MATCH_SHA512, root));

        assertThat(TlsaMatch.endEntity(List.of(leafRecord), List.of(LEAF, root))).contains(leafRecord);
        assertThat(TlsaMatch.endEntity(List.of(leafRecord), List.of(root, LEAF))).isEmpty();
        assertThat(TlsaMatch.endEntity(List.of(leafRecord), List.of())).isEmpty();
        assertThat(TlsaMatch.trustAnchors(List.of(leafAsAnchor, rootAsAnchor), List.of(LEAF, root)))
            .containsExactly(new TlsaMatch.Anchor(root, rootAsAnchor));
        assertThat(TlsaMatch.trustAnchors(List.of(rootAsAnchor), List.of(root)))
            .as("a self-issued leaf").containsExactly(new TlsaMatch.Anchor(root, rootAsAnchor));
    }

    @Test
    void refusesSelectorsAndMatchingTypesItDoesNotKnow() {
        assertThatThrownBy(() -> TlsaMatch.associationData(2, 1, LEAF)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("TLSA selector 2 is not 0 (Cert) or 1 (SPKI)");
        assertThatThrownBy(() -> TlsaMatch.associationData(1, 3, LEAF)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("TLSA matching type 3 is not 0 (Full), 1 (SHA2-256) or 2 (SHA2-512)");
    }

    @Test
    void printsARecordCompactly() {
        byte[] digest = TlsaMatch.associationData(TlsaRecord.SELECTOR_SPKI, TlsaRecord.MATCH_SHA256, LEAF);
        String prefix = HexFormat.of().formatHex(digest).substring(0, 16);

        assertThat(TlsaMatch.compact(new TlsaRecord(3, 1, 1, digest))).isEqualTo("3 1 1 " + prefix + "…");
        assertThat(TlsaMatch.compact(new TlsaRecord(2, 0, 0, new byte[1200]))).isEqualTo("2 0 0 0000000000000000… (1200 octets)");
        assertThat(TlsaMatch.compact(new TlsaRecord(3, 1, 0, new byte[] {1, 2}))).isEqualTo("3 1 0 0102");
    }
}
