package dev.jamestls.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jamestls.admin.ChainReport;
import dev.jamestls.tls.CertificateFacts;

/** The printable and JSON forms of one certificate's facts, shared by {@code facts} and {@code probe}. */
final class FactsViews {
    private FactsViews() {
    }

    /** Field / value rows, in the order partners read them. */
    static TextTable table(CertificateFacts facts) {
        return new TextTable("FIELD", "VALUE")
            .row("Subject", facts.subject())
            .row("Common name (CN)", String.join(", ", ChainReport.attribute(facts.subject(), "CN")))
            .row("Organisation (O)", String.join(", ", ChainReport.attribute(facts.subject(), "O")))
            .row("Unit (OU)", String.join(", ", ChainReport.attribute(facts.subject(), "OU")))
            .row("Issuer", facts.issuer())
            .row("Serial", facts.serialHex())
            .row("DNS names", String.join(", ", facts.dnsNames()))
            .row("Key", key(facts))
            .row("Signature algorithm", facts.signatureAlgorithm())
            .row("Valid from", facts.notBefore().toString())
            .row("Valid until", facts.notAfter().toString())
            .row("SHA-256 fingerprint", facts.sha256())
            .row("SPKI pin (SHA-256)", facts.spkiSha256())
            .row("CRL distribution points", String.join(", ", facts.crlUrls()))
            .row("OCSP responders", String.join(", ", facts.ocspUrls()))
            .row("CA issuers", String.join(", ", facts.caIssuerUrls()));
    }

    static String key(CertificateFacts facts) {
        return facts.keySize() > 0 ? facts.keyAlgorithm() + " " + facts.keySize() + " bits" : facts.keyAlgorithm();
    }

    /** The JSON object of one certificate (schema in docs/admin-tools.md). */
    static Map<String, Object> json(CertificateFacts facts, int index, String role) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", index);
        json.put("role", role);
        json.put("subject", facts.subject());
        json.put("commonName", first(ChainReport.attribute(facts.subject(), "CN")));
        json.put("organisation", first(ChainReport.attribute(facts.subject(), "O")));
        json.put("organisationalUnits", ChainReport.attribute(facts.subject(), "OU"));
        json.put("issuer", facts.issuer());
        json.put("serial", facts.serialHex());
        json.put("dnsNames", facts.dnsNames());
        json.put("emailNames", facts.emailNames());
        json.put("keyAlgorithm", facts.keyAlgorithm());
        json.put("keySize", facts.keySize());
        json.put("signatureAlgorithm", facts.signatureAlgorithm());
        json.put("notBefore", facts.notBefore());
        json.put("notAfter", facts.notAfter());
        json.put("sha256", facts.sha256());
        json.put("spkiSha256", facts.spkiSha256());
        json.put("crlUrls", facts.crlUrls());
        json.put("ocspUrls", facts.ocspUrls());
        json.put("caIssuerUrls", facts.caIssuerUrls());
        return json;
    }

    private static String first(List<String> values) {
        return values.isEmpty() ? null : values.get(0);
    }
}
