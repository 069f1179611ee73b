package dev.jamestls.james;

import java.time.Instant;
import java.util.List;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;

/** TLS facts built from real generated certificates, for adapter tests. */
public final class TestFacts {
    public static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final CertificateAuthority CA = CertificateAuthority.root("CN=Test Partner CA,O=james-tls tests", NOW);
    public static final IssuedCertificate PARTNER = CA.leaf("CN=partner.example,O=Partner")
        .dnsNames("partner.example").emailNames("postmaster@partner.example")
        .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();

    private TestFacts() {
    }

    public static TlsFacts starttls(String protocol) {
        return TlsFacts.encrypted(TlsChannel.STARTTLS, protocol, "TLS_AES_256_GCM_SHA384", List.of());
    }

    public static TlsFacts withPartnerCertificate() {
        return TlsFacts.encrypted(TlsChannel.IMPLICIT, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
            CertificateFacts.ofChain(PARTNER.fullChain()));
    }
}
