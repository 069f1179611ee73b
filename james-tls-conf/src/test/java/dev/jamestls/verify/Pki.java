package dev.jamestls.verify;

import java.time.Instant;

import dev.jamestls.pki.CertificateAuthority;

/** A fixed test PKI: partner root → partner issuing CA, and an unrelated "other" root → other issuing CA. */
final class Pki {
    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final CertificateAuthority ROOT = CertificateAuthority.root("CN=Partner Root,O=Partner", NOW);
    static final CertificateAuthority ISSUING = ROOT.intermediate("CN=Partner Issuing CA,O=Partner").issueAuthority();
    static final CertificateAuthority OTHER_ROOT = CertificateAuthority.root("CN=Other Root", NOW);
    static final CertificateAuthority OTHER_ISSUING = OTHER_ROOT.intermediate("CN=Other Issuing CA").issueAuthority();

    private Pki() {
    }
}
