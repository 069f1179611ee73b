package dev.jamestls.verify;

import java.io.IOException;
import java.math.BigInteger;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

import dev.jamestls.tls.IssuerLinks;

/**
 * The RFC 5280 §4 certificate profile, checked on the certificates of a validated
 * path: the rules the JDK's PKIX validator does not enforce. Pure.
 *
 * <p>Which certificate gets which rules:
 * <ul>
 *   <li>every checked certificate: well-formed extensions (DER, subjectAltName, extKeyUsage), no unrecognised
 *       critical extension (§4.2), a positive serial number of at most 20 octets (§4.1.2.2), key identifiers and
 *       authorityInfoAccess non-critical (§4.2.1.1, §4.2.1.2, §4.2.2.1), no empty or malformed subjectAltName
 *       entry (§4.2.1.6);</li>
 *   <li>every certificate of the path issued by another key (not self-signed) whose issuer has a
 *       subjectKeyIdentifier: an authorityKeyIdentifier with a keyIdentifier (§4.2.1.1, which derives the one from
 *       the other). A CA without subjectKeyIdentifier is refused as an intermediate or a root; only an intermediate
 *       configured as the anchor may lack it, and its certificates are then linked by name and signature;</li>
 *   <li>intermediates: basicConstraints with cA=TRUE (§6.1.4 (k)), a subjectKeyIdentifier (§4.2.1.2), keyCertSign
 *       when keyUsage is present (§4.2.1.3); a non-critical basicConstraints is accepted, as the path validation
 *       algorithm does (§6.1.4 (k); NIST PKITS 4.6.4);</li>
 *   <li>a configured self-signed trust anchor (a root): the same, and basicConstraints critical (§4.2.1.9). An
 *       anchor that is not self-signed (an intermediate configured as the anchor) is taken as a name and a key,
 *       RFC 5280 §6.1.1 (d), and checked only for well-formedness;</li>
 *   <li>the end entity: no nameConstraints (§4.2.1.10) and no policyConstraints (§4.2.1.11), which only a CA
 *       certificate may carry; a server certificate checked for a host name (every {@code verify} and
 *       {@code secure} delivery) is moreover not a CA (cA=FALSE or no basicConstraints, no keyCertSign: CA/Browser
 *       Forum TLS Baseline Requirements §7.1.2.7.8 and §7.1.2.7.11, the subscriber certificate profile). Other
 *       end entities (partner client certificates) are judged by RFC 5280 alone, which lets a CA certificate end
 *       a path (NIST PKITS 4.6.8, 4.6.14).</li>
 * </ul>
 * Trust anchors of the JVM's own store are taken as the JDK ships them (several long-trusted roots have serial
 * number 0 or a non-critical basicConstraints); anchors an administrator configures are checked as above. A
 * partner's self-signed certificate configured as its own anchor ("direct trust") is trusted by identity, like a
 * pin: it may carry cA=TRUE (the OpenSSL default for self-signed certificates); every other rule applies.
 */
final class PathProfile {
    /** Extensions whose meaning path validation applies (RFC 5280 §4.2.1); any other critical one refuses the certificate. */
    private static final Set<String> UNDERSTOOD_CRITICAL = Set.of(
        "2.5.29.15", // keyUsage
        "2.5.29.19", // basicConstraints
        "2.5.29.17", // subjectAltName
        "2.5.29.30", // nameConstraints
        "2.5.29.32", // certificatePolicies
        "2.5.29.33", // policyMappings
        "2.5.29.36", // policyConstraints
        "2.5.29.54", // inhibitAnyPolicy
        "2.5.29.37"); // extKeyUsage
    private static final String SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String SUBJECT_KEY_IDENTIFIER = "2.5.29.14";
    private static final String AUTHORITY_KEY_IDENTIFIER = "2.5.29.35";
    private static final String AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
    private static final String BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String NAME_CONSTRAINTS = "2.5.29.30";
    private static final String POLICY_CONSTRAINTS = "2.5.29.36";
    private static final int KEY_CERT_SIGN = 5;
    private static final int MAX_SERIAL_OCTETS = 20;
    /** One DNS label: LDH, and underscores as seen in real certificates. */
    private static final String LABEL = "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?";
    /** A dNSName in a certificate: labels, optionally a left-most {@code *} label and a trailing dot. */
    private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?(" + LABEL + "\\.)*" + LABEL + "\\.?");
    /** A host name as name constraints write it (RFC 5280 §4.2.1.10): labels only, no wildcard, no leading or trailing dot. */
    static final Pattern HOST_NAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*");

    /** The role a certificate plays on the path: it decides which rules apply. */
    enum Role {
        END_ENTITY, SERVER_END_ENTITY, DIRECTLY_TRUSTED_END_ENTITY, INTERMEDIATE, ROOT_ANCHOR, ISSUED_ANCHOR
    }

    private PathProfile() {
    }

    /**
     * @param path the validated path, leaf first, without the anchor
     * @param anchor the trust anchor the path ends at
     * @param checkAnchor whether the anchor is held to the profile (not for the JVM's own store)
     * @param hostCertificate whether the end entity is a server certificate checked for a host name: it then gets
     *     the CA/Browser Forum subscriber rules
     * @return the first rule broken, with the certificate named
     */
    static Optional<PkixFailures.Failure> check(List<X509Certificate> path, X509Certificate anchor, boolean checkAnchor,
                                                boolean hostCertificate) {
        for (int i = 0; i < path.size(); i++) {
            X509Certificate issuer = i + 1 < path.size() ? path.get(i + 1) : anchor;
            Role role = i > 0 ? Role.INTERMEDIATE : hostCertificate ? Role.SERVER_END_ENTITY : Role.END_ENTITY;
            Optional<PkixFailures.Failure> failure = check(path.get(i), role, Optional.of(issuer));
            if (failure.isPresent()) {
                return failure;
            }
        }
        if (!checkAnchor) {
            return Optional.empty();
        }
        return check(anchor, IssuerLinks.selfSigned(anchor) ? Role.ROOT_ANCHOR : Role.ISSUED_ANCHOR, Optional.empty());
    }

    static Optional<PkixFailures.Failure> check(X509Certificate certificate, Role role, Optional<X509Certificate> issuer) {
        Optional<String> malformed = malformed(certificate);
        if (malformed.isPresent()) {
            return Optional.of(new PkixFailures.Failure(VerificationKind.MALFORMED, malformed.get()));
        }
        return invalid(certificate, role, issuer).map(reason -> new PkixFailures.Failure(VerificationKind.INVALID_PATH, reason));
    }

    /** Structure: whether the certificate itself is well-formed, whatever its role. */
    static Optional<String> malformed(X509Certificate certificate) {
        String who = who(certificate);
        Set<String> critical = certificate.getCriticalExtensionOIDs() == null ? Set.of() : certificate.getCriticalExtensionOIDs();
        for (String oid : critical) {
            if (!UNDERSTOOD_CRITICAL.contains(oid) && !mustBeNonCritical(oid)) {
                return Optional.of(who + " has an unrecognised critical extension " + oid + " (RFC 5280 §4.2)");
            }
        }
        if (critical.contains(AUTHORITY_KEY_IDENTIFIER)) {
            return Optional.of(who + " marks authorityKeyIdentifier critical (RFC 5280 §4.2.1.1: MUST be non-critical)");
        }
        if (critical.contains(SUBJECT_KEY_IDENTIFIER)) {
            return Optional.of(who + " marks subjectKeyIdentifier critical (RFC 5280 §4.2.1.2: MUST be non-critical)");
        }
        if (critical.contains(AUTHORITY_INFO_ACCESS)) {
            return Optional.of(who + " marks authorityInfoAccess critical (RFC 5280 §4.2.2.1: MUST be non-critical)");
        }
        BigInteger serial = certificate.getSerialNumber();
        if (serial.signum() <= 0) {
            return Optional.of(who + " has serial number " + serial + " (RFC 5280 §4.1.2.2: a positive integer)");
        }
        if (serial.toByteArray().length > MAX_SERIAL_OCTETS) {
            return Optional.of(who + " has a serial number of " + serial.toByteArray().length
                + " octets (RFC 5280 §4.1.2.2: at most 20)");
        }
        Set<String> all = new HashSet<>(critical);
        if (certificate.getNonCriticalExtensionOIDs() != null) {
            all.addAll(certificate.getNonCriticalExtensionOIDs());
        }
        for (String oid : all) {
            try {
                ASN1Primitive.fromByteArray(DEROctetString.getInstance(certificate.getExtensionValue(oid)).getOctets());
            } catch (IOException | RuntimeException e) {
                return Optional.of(who + " has extension " + oid + " that is not valid DER");
            }
        }
        Optional<String> san = malformedSubjectAltName(certificate, who);
        if (san.isPresent()) {
            return san;
        }
        try {
            certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return Optional.of(who + " has a malformed extKeyUsage extension (RFC 5280 §4.2.1.12)");
        }
        return Optional.empty();
    }

    private static boolean mustBeNonCritical(String oid) {
        return oid.equals(AUTHORITY_KEY_IDENTIFIER) || oid.equals(SUBJECT_KEY_IDENTIFIER) || oid.equals(AUTHORITY_INFO_ACCESS);
    }

    private static Optional<String> malformedSubjectAltName(X509Certificate certificate, String who) {
        byte[] value = certificate.getExtensionValue(SUBJECT_ALT_NAME);
        if (value == null) {
            return Optional.empty();
        }
        GeneralName[] names;
        try {
            names = subjectAltNames(certificate);
            if (certificate.getSubjectAlternativeNames() == null) {
                throw new CertificateParsingException("the JDK cannot parse it");
            }
        } catch (IOException | CertificateParsingException | RuntimeException e) {
            return Optional.of(who + " has a malformed subjectAltName extension (RFC 5280 §4.2.1.6)");
        }
        if (names.length == 0) {
            return Optional.of(who + " has a subjectAltName extension without any name (RFC 5280 §4.2.1.6: at least one)");
        }
        for (GeneralName name : names) {
            Optional<String> problem = malformedName(name);
            if (problem.isPresent()) {
                return Optional.of(who + " has a malformed subjectAltName entry: " + problem.get() + " (RFC 5280 §4.2.1.6)");
            }
        }
        return Optional.empty();
    }

    /** The subjectAltName entries, none when the extension is absent. */
    static GeneralName[] subjectAltNames(X509Certificate certificate) throws IOException {
        byte[] value = certificate.getExtensionValue(SUBJECT_ALT_NAME);
        if (value == null) {
            return new GeneralName[0];
        }
        return GeneralNames.getInstance(ASN1Primitive.fromByteArray(DEROctetString.getInstance(value).getOctets())).getNames();
    }

    private static Optional<String> malformedName(GeneralName name) {
        switch (name.getTagNo()) {
            case GeneralName.dNSName -> {
                String dns = name.getName().toString();
                return DNS_NAME.matcher(dns).matches() ? Optional.empty()
                    : Optional.of("dNSName '" + dns + "' is not a DNS name");
            }
            case GeneralName.rfc822Name -> {
                String mailbox = name.getName().toString();
                int at = mailbox.indexOf('@');
                boolean valid = at > 0 && at == mailbox.lastIndexOf('@') && at < mailbox.length() - 1
                    && mailbox.chars().noneMatch(c -> c <= ' ' || c >= 0x7f);
                return valid ? Optional.empty() : Optional.of("rfc822Name '" + mailbox + "' is not a mail address");
            }
            case GeneralName.iPAddress -> {
                int length = DEROctetString.getInstance(name.getName()).getOctets().length;
                return length == 4 || length == 16 ? Optional.empty()
                    : Optional.of("iPAddress of " + length + " octets (4 or 16)");
            }
            case GeneralName.uniformResourceIdentifier -> {
                return name.getName().toString().isEmpty() ? Optional.of("empty uniformResourceIdentifier") : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /** Path rules for the certificate's role on the path. */
    private static Optional<String> invalid(X509Certificate certificate, Role role, Optional<X509Certificate> issuer) {
        String who = who(certificate);
        if (role == Role.ISSUED_ANCHOR) {
            return Optional.empty();
        }
        boolean issuerHasKeyIdentifier = issuer.map(c -> c.getExtensionValue(SUBJECT_KEY_IDENTIFIER) != null).orElse(false);
        if (issuerHasKeyIdentifier && !IssuerLinks.selfSigned(certificate) && authorityKeyIdentifierMissing(certificate)) {
            return Optional.of(who + " has no authorityKeyIdentifier keyIdentifier naming its issuer's key (RFC 5280 "
                + "§4.2.1.1: MUST in every certificate that is not self-signed)");
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        boolean keyCertSign = keyUsage != null && keyUsage.length > KEY_CERT_SIGN && keyUsage[KEY_CERT_SIGN];
        boolean hasBasicConstraints = certificate.getExtensionValue(BASIC_CONSTRAINTS) != null;
        boolean isCa = certificate.getBasicConstraints() >= 0;
        switch (role) {
            case INTERMEDIATE, ROOT_ANCHOR -> {
                if (!hasBasicConstraints || !isCa) {
                    return Optional.of(who + " is used as a CA but basicConstraints does not assert cA (RFC 5280 §4.2.1.9)");
                }
                if (role == Role.ROOT_ANCHOR && !certificate.getCriticalExtensionOIDs().contains(BASIC_CONSTRAINTS)) {
                    return Optional.of(who + " is a root with a non-critical basicConstraints (RFC 5280 §4.2.1.9: MUST be critical)");
                }
                if (certificate.getExtensionValue(SUBJECT_KEY_IDENTIFIER) == null) {
                    return Optional.of(who + " is a CA without subjectKeyIdentifier (RFC 5280 §4.2.1.2: MUST in CA certificates)");
                }
                if (keyUsage != null && !keyCertSign) {
                    return Optional.of(who + " is a CA whose keyUsage lacks keyCertSign (RFC 5280 §4.2.1.3, §4.2.1.9)");
                }
            }
            case SERVER_END_ENTITY -> {
                if (isCa) {
                    return Optional.of(who + " is a CA certificate (cA=TRUE) used as the end entity (RFC 5280 §4.2.1.9, "
                        + "CA/Browser Forum BR §7.1.2.7.8)");
                }
                if (keyCertSign) {
                    return Optional.of(who + " is an end entity with keyCertSign (RFC 5280 §4.2.1.9: not without cA)");
                }
                return caOnlyExtension(certificate, who);
            }
            case END_ENTITY -> {
                // RFC 5280 alone lets a CA certificate end a path (NIST PKITS 4.6.8, 4.6.14); the subscriber
                // rules above are the CA/Browser Forum's, for certificates that identify a host.
                return caOnlyExtension(certificate, who);
            }
            case DIRECTLY_TRUSTED_END_ENTITY, ISSUED_ANCHOR -> {
                // Trusted by identity, or a name and a key: CA flags do not matter (class Javadoc).
            }
        }
        return Optional.empty();
    }

    private static Optional<String> caOnlyExtension(X509Certificate certificate, String who) {
        if (certificate.getExtensionValue(NAME_CONSTRAINTS) != null) {
            return Optional.of(who + " is an end entity with nameConstraints (RFC 5280 §4.2.1.10: CA certificates only)");
        }
        if (certificate.getExtensionValue(POLICY_CONSTRAINTS) != null) {
            return Optional.of(who + " is an end entity with policyConstraints (RFC 5280 §4.2.1.11: CA certificates only)");
        }
        return Optional.empty();
    }

    private static boolean authorityKeyIdentifierMissing(X509Certificate certificate) {
        byte[] value = certificate.getExtensionValue(AUTHORITY_KEY_IDENTIFIER);
        if (value == null) {
            return true;
        }
        try {
            AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(
                ASN1Primitive.fromByteArray(DEROctetString.getInstance(value).getOctets()));
            return aki.getKeyIdentifier() == null;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    static String who(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "'";
    }
}
