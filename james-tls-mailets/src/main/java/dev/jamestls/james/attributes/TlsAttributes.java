package dev.jamestls.james.attributes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.PemFiles;
import dev.jamestls.tls.TlsChannel;
import dev.jamestls.tls.TlsFacts;

/**
 * Attributes describing the TLS facts of the SMTP session a mail arrived on,
 * set by {@link dev.jamestls.james.smtp.TlsFactsHook}.
 *
 * <table>
 * <caption>attributes</caption>
 * <tr><th>name</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code dev.jamestls.tls.channel}</td><td>String</td><td>{@code none}, {@code starttls} (RFC 3207) or {@code implicit} (RFC 8314)</td></tr>
 * <tr><td>{@code dev.jamestls.tls.protocol}</td><td>String</td><td>e.g. {@code TLSv1.3}; absent in clear text</td></tr>
 * <tr><td>{@code dev.jamestls.tls.cipher}</td><td>String</td><td>e.g. {@code TLS_AES_256_GCM_SHA384}</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.subject}</td><td>String</td><td>client certificate subject DN (RFC 2253)</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.issuer}</td><td>String</td><td>its issuer DN</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.serial}</td><td>String</td><td>hex serial</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.notBefore}, {@code .notAfter}</td><td>String</td><td>ISO-8601 instants</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.dnsNames}, {@code .emailNames}</td><td>List of String</td><td>subjectAltName entries</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.sha256}</td><td>String</td><td>hex SHA-256 of the certificate</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.spkiSha256}</td><td>String</td><td>base64 SPKI SHA-256 pin (RFC 7469)</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.keyAlgorithm}, {@code .keySize}</td><td>String, Integer</td><td>key type and bits</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.chain}</td><td>List of Map</td><td>every certificate the client presented, leaf first, with the fields above</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.verification}</td><td>String</td><td>see {@link ClientVerification}</td></tr>
 * <tr><td>{@code dev.jamestls.tls.client.chainPem}</td><td>String</td><td>the presented chain as PEM (set by the hook)</td></tr>
 * </table>
 */
public final class TlsAttributes {
    public static final String NAMESPACE = "dev.jamestls.";

    public static final AttributeName CHANNEL = AttributeName.of("dev.jamestls.tls.channel");
    public static final AttributeName PROTOCOL = AttributeName.of("dev.jamestls.tls.protocol");
    public static final AttributeName CIPHER = AttributeName.of("dev.jamestls.tls.cipher");
    public static final AttributeName CLIENT_SUBJECT = AttributeName.of("dev.jamestls.tls.client.subject");
    public static final AttributeName CLIENT_ISSUER = AttributeName.of("dev.jamestls.tls.client.issuer");
    public static final AttributeName CLIENT_SERIAL = AttributeName.of("dev.jamestls.tls.client.serial");
    public static final AttributeName CLIENT_NOT_BEFORE = AttributeName.of("dev.jamestls.tls.client.notBefore");
    public static final AttributeName CLIENT_NOT_AFTER = AttributeName.of("dev.jamestls.tls.client.notAfter");
    public static final AttributeName CLIENT_DNS_NAMES = AttributeName.of("dev.jamestls.tls.client.dnsNames");
    public static final AttributeName CLIENT_EMAIL_NAMES = AttributeName.of("dev.jamestls.tls.client.emailNames");
    public static final AttributeName CLIENT_SHA256 = AttributeName.of("dev.jamestls.tls.client.sha256");
    public static final AttributeName CLIENT_SPKI_SHA256 = AttributeName.of("dev.jamestls.tls.client.spkiSha256");
    public static final AttributeName CLIENT_KEY_ALGORITHM = AttributeName.of("dev.jamestls.tls.client.keyAlgorithm");
    public static final AttributeName CLIENT_KEY_SIZE = AttributeName.of("dev.jamestls.tls.client.keySize");
    public static final AttributeName CLIENT_CHAIN = AttributeName.of("dev.jamestls.tls.client.chain");
    public static final AttributeName CLIENT_VERIFICATION = AttributeName.of("dev.jamestls.tls.client.verification");
    /** The presented chain as PEM (public certificates only), so pipeline mailets can verify it again. */
    public static final AttributeName CLIENT_CHAIN_PEM = AttributeName.of("dev.jamestls.tls.client.chainPem");

    private static final String SUBJECT = "subject";
    private static final String ISSUER = "issuer";
    private static final String SERIAL = "serial";
    private static final String NOT_BEFORE = "notBefore";
    private static final String NOT_AFTER = "notAfter";
    private static final String DNS_NAMES = "dnsNames";
    private static final String EMAIL_NAMES = "emailNames";
    private static final String SHA256 = "sha256";
    private static final String SPKI_SHA256 = "spkiSha256";
    private static final String KEY_ALGORITHM = "keyAlgorithm";
    private static final String KEY_SIZE = "keySize";
    private static final String SIGNATURE_ALGORITHM = "signatureAlgorithm";
    private static final String CRL_URLS = "crlUrls";
    private static final String OCSP_URLS = "ocspUrls";
    private static final String CA_ISSUER_URLS = "caIssuerUrls";

    private TlsAttributes() {
    }

    /** The attributes for {@code facts}; {@code verification} says who checked the client certificate, if any. */
    public static List<Attribute> of(TlsFacts facts, ClientVerification verification) {
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute(CHANNEL, AttributeValue.of(facts.channel().spelling())));
        facts.protocol().ifPresent(protocol -> attributes.add(new Attribute(PROTOCOL, AttributeValue.of(protocol))));
        facts.cipher().ifPresent(cipher -> attributes.add(new Attribute(CIPHER, AttributeValue.of(cipher))));
        facts.peerCertificate().ifPresent(leaf -> {
            attributes.add(new Attribute(CLIENT_SUBJECT, AttributeValue.of(leaf.subject())));
            attributes.add(new Attribute(CLIENT_ISSUER, AttributeValue.of(leaf.issuer())));
            attributes.add(new Attribute(CLIENT_SERIAL, AttributeValue.of(leaf.serialHex())));
            attributes.add(new Attribute(CLIENT_NOT_BEFORE, AttributeValue.of(leaf.notBefore().toString())));
            attributes.add(new Attribute(CLIENT_NOT_AFTER, AttributeValue.of(leaf.notAfter().toString())));
            attributes.add(new Attribute(CLIENT_DNS_NAMES, strings(leaf.dnsNames())));
            attributes.add(new Attribute(CLIENT_EMAIL_NAMES, strings(leaf.emailNames())));
            attributes.add(new Attribute(CLIENT_SHA256, AttributeValue.of(leaf.sha256())));
            attributes.add(new Attribute(CLIENT_SPKI_SHA256, AttributeValue.of(leaf.spkiSha256())));
            attributes.add(new Attribute(CLIENT_KEY_ALGORITHM, AttributeValue.of(leaf.keyAlgorithm())));
            attributes.add(new Attribute(CLIENT_KEY_SIZE, AttributeValue.of(leaf.keySize())));
            attributes.add(new Attribute(CLIENT_CHAIN, AttributeValue.of(
                facts.peerChain().stream().map(TlsAttributes::certificate).toList())));
        });
        attributes.add(new Attribute(CLIENT_VERIFICATION, AttributeValue.of(verification.spelling())));
        return List.copyOf(attributes);
    }

    /** The attributes for {@code facts} and, when one was presented, the chain as PEM ({@link #CLIENT_CHAIN_PEM}). */
    public static List<Attribute> of(TlsFacts facts, ClientVerification verification,
                                     List<java.security.cert.X509Certificate> chain) {
        if (chain.isEmpty()) {
            return of(facts, verification);
        }
        List<Attribute> attributes = new ArrayList<>(of(facts, verification));
        attributes.add(chainPem(chain));
        return List.copyOf(attributes);
    }

    public static void set(Mail mail, TlsFacts facts, ClientVerification verification) {
        of(facts, verification).forEach(mail::setAttribute);
    }

    /**
     * Reads the facts back; empty when the mail carries none (it did not come
     * through a listener with {@code TlsFactsHook}, e.g. a bounce).
     *
     * @throws IllegalArgumentException when the attributes are present but malformed
     */
    public static Optional<TlsFacts> read(Mail mail) {
        Optional<String> channel = string(mail, CHANNEL);
        if (channel.isEmpty()) {
            return Optional.empty();
        }
        TlsChannel tlsChannel = TlsChannel.parse(channel.get());
        if (!tlsChannel.isEncrypted()) {
            return Optional.of(TlsFacts.CLEAR_TEXT);
        }
        List<CertificateFacts> chain = mail.getAttribute(CLIENT_CHAIN)
            .map(attribute -> attribute.getValue().value())
            .filter(List.class::isInstance)
            .map(value -> ((List<?>) value).stream().map(TlsAttributes::certificate).toList())
            .orElse(List.of());
        return Optional.of(TlsFacts.encrypted(tlsChannel,
            string(mail, PROTOCOL).orElseThrow(() -> missing(PROTOCOL)),
            string(mail, CIPHER).orElseThrow(() -> missing(CIPHER)),
            chain));
    }

    /** The presented certificates (public data) as PEM. */
    private static Attribute chainPem(List<java.security.cert.X509Certificate> chain) {
        return new Attribute(CLIENT_CHAIN_PEM, AttributeValue.of(PemFiles.certificates(chain)));
    }

    /** The presented certificates, empty when none were recorded. */
    public static List<java.security.cert.X509Certificate> chain(Mail mail) {
        return string(mail, CLIENT_CHAIN_PEM).map(pem -> {
            try {
                return PemFiles.parseCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)),
                    CLIENT_CHAIN_PEM.asString());
            } catch (IOException e) {
                throw new IllegalArgumentException("mail attribute " + CLIENT_CHAIN_PEM.asString() + " is not PEM certificates: "
                    + e.getCause().getMessage(), e.getCause());
            }
        }).orElse(List.of());
    }

    public static Optional<ClientVerification> verification(Mail mail) {
        return string(mail, CLIENT_VERIFICATION).map(ClientVerification::parse);
    }

    private static IllegalArgumentException missing(AttributeName name) {
        return new IllegalArgumentException("mail attribute " + name.asString() + " is missing although "
            + CHANNEL.asString() + " says the session was encrypted");
    }

    public static Optional<String> string(Mail mail, AttributeName name) {
        return mail.getAttribute(name)
            .map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance)
            .map(String.class::cast);
    }

    private static AttributeValue<?> strings(List<String> values) {
        return AttributeValue.of(values.stream().<AttributeValue<?>>map(AttributeValue::of).toList());
    }

    private static AttributeValue<?> certificate(CertificateFacts facts) {
        return AttributeValue.of(Map.<String, AttributeValue<?>>ofEntries(
            entry(SUBJECT, AttributeValue.of(facts.subject())),
            entry(ISSUER, AttributeValue.of(facts.issuer())),
            entry(SERIAL, AttributeValue.of(facts.serialHex())),
            entry(NOT_BEFORE, AttributeValue.of(facts.notBefore().toString())),
            entry(NOT_AFTER, AttributeValue.of(facts.notAfter().toString())),
            entry(DNS_NAMES, strings(facts.dnsNames())),
            entry(EMAIL_NAMES, strings(facts.emailNames())),
            entry(SHA256, AttributeValue.of(facts.sha256())),
            entry(SPKI_SHA256, AttributeValue.of(facts.spkiSha256())),
            entry(KEY_ALGORITHM, AttributeValue.of(facts.keyAlgorithm())),
            entry(KEY_SIZE, AttributeValue.of(facts.keySize())),
            entry(SIGNATURE_ALGORITHM, AttributeValue.of(facts.signatureAlgorithm())),
            entry(CRL_URLS, strings(facts.crlUrls())),
            entry(OCSP_URLS, strings(facts.ocspUrls())),
            entry(CA_ISSUER_URLS, strings(facts.caIssuerUrls()))));
    }

    private static Map.Entry<String, AttributeValue<?>> entry(String key, AttributeValue<?> value) {
        return Map.entry(key, value);
    }

    private static CertificateFacts certificate(Object value) {
        if (!(value instanceof AttributeValue<?> attributeValue) || !(attributeValue.value() instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("mail attribute " + CLIENT_CHAIN.asString() + " holds " + value + ", not a map");
        }
        return new CertificateFacts(
            field(map, SUBJECT), field(map, ISSUER), field(map, SERIAL),
            Instant.parse(field(map, NOT_BEFORE)), Instant.parse(field(map, NOT_AFTER)),
            list(map, DNS_NAMES), list(map, EMAIL_NAMES),
            field(map, SHA256), field(map, SPKI_SHA256), field(map, KEY_ALGORITHM),
            (Integer) ((AttributeValue<?>) map.get(KEY_SIZE)).value(),
            field(map, SIGNATURE_ALGORITHM),
            list(map, CRL_URLS), list(map, OCSP_URLS), list(map, CA_ISSUER_URLS));
    }

    private static String field(Map<?, ?> map, String key) {
        Object value = map.get(key);
        if (value instanceof AttributeValue<?> attributeValue && attributeValue.value() instanceof String string) {
            return string;
        }
        throw new IllegalArgumentException("mail attribute " + CLIENT_CHAIN.asString() + ": field '" + key + "' missing or not a string");
    }

    private static List<String> list(Map<?, ?> map, String key) {
        Object value = map.get(key);
        List<String> result = new ArrayList<>();
        if (value instanceof AttributeValue<?> attributeValue && attributeValue.value() instanceof List<?> items) {
            for (Object item : items) {
                result.add(String.valueOf(((AttributeValue<?>) item).value()));
            }
        }
        return result;
    }
}
