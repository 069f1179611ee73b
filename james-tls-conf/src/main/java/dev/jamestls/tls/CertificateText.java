package dev.jamestls.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

import dev.jamestls.smtp.PeerText;

/**
 * Names in a presented certificate that no legitimate certificate carries: control or format
 * characters in a subject or issuer DN (RFC 4514 text) or a subjectAltName (RFC 5280 §4.2.1.6:
 * dNSName and rfc822Name are IA5 host names and addresses). A client can make such a
 * certificate itself to forge log lines or headers; it is refused as malformed.
 */
public final class CertificateText {
    private CertificateText() {
    }

    /**
     * The first field of {@code chain} (leaf first) holding a control character, described with
     * the text escaped ({@link PeerText#escape}); empty when every field is clean.
     */
    public static Optional<String> controlCharacters(List<X509Certificate> chain) {
        for (int index = 0; index < chain.size(); index++) {
            CertificateFacts facts = CertificateFacts.of(chain.get(index));
            String position = index == 0 ? "leaf certificate" : "certificate " + index + " of the chain";
            Optional<String> field = firstDirty(position + " subject", List.of(facts.subject()))
                .or(() -> firstDirty(position + " issuer", List.of(facts.issuer())))
                .or(() -> firstDirty(position + " DNS name", facts.dnsNames()))
                .or(() -> firstDirty(position + " e-mail name", facts.emailNames()));
            if (field.isPresent()) {
                return field;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> firstDirty(String field, List<String> values) {
        return values.stream().filter(PeerText::hasControlCharacters).findFirst()
            .map(value -> field + " '" + PeerText.escape(value) + "' holds control characters");
    }
}
