package dev.jamestls.verify;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.NameConstraintValidatorException;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PKIXNameConstraintValidator;

/**
 * RFC 5280 §4.2.1.10 / §6.1.3 (b)–(c) name constraints over the whole validated
 * path, trust anchor included. The JDK's validator applies the constraints of the
 * intermediates but not those of a trust anchor certificate, and it checks only
 * the text of each name: a wildcard {@code *.example.com} passes an intermediate
 * that excludes {@code bar.example.com}. Here, besides every subject DN and
 * subjectAltName of the path, the names the verification relies on are checked
 * too: the name that matched the rule (for a wildcard, the host it stands for) and
 * the common name when it serves as the client's name. A wildcard that can stand
 * for an excluded host is refused whatever the rule asks for.
 */
final class NameConstraintCheck {
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    private NameConstraintCheck() {
    }

    /**
     * @param path the validated path, leaf first, without the anchor
     * @param anchor the trust anchor the path ends at
     * @param namesUsed DNS names the decision relies on besides the SANs (matched name, CN used as name)
     * @return why the path breaks a constraint, naming the certificate and the name
     */
    static Optional<String> check(List<X509Certificate> path, X509Certificate anchor, List<String> namesUsed) {
        PKIXNameConstraintValidator validator = new PKIXNameConstraintValidator();
        List<String> excludedDns = new ArrayList<>();
        List<String> constrainedBy = new ArrayList<>();
        try {
            apply(anchor, validator, excludedDns, constrainedBy);
            for (int i = path.size() - 1; i >= 0; i--) {
                X509Certificate certificate = path.get(i);
                boolean leaf = i == 0;
                // §6.1.3 (b)/(c): self-issued intermediates are not checked; the leaf always is.
                if (leaf || !certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal())) {
                    Optional<String> broken = checkNames(certificate, validator, leaf ? namesUsed : List.of(), excludedDns);
                    if (broken.isPresent()) {
                        return Optional.of(PathProfile.who(certificate) + " " + broken.get() + ", outside the name constraints of "
                            + String.join(", ", constrainedBy) + " (RFC 5280 §4.2.1.10)");
                    }
                }
                if (!leaf) {
                    apply(certificate, validator, excludedDns, constrainedBy);
                }
            }
        } catch (MalformedConstraint e) {
            return Optional.of(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return Optional.of("name constraints cannot be read: " + e.getClass().getSimpleName());
        }
        return Optional.empty();
    }

    private static void apply(X509Certificate ca, PKIXNameConstraintValidator validator, List<String> excludedDns,
                              List<String> constrainedBy) throws IOException {
        byte[] value = ca.getExtensionValue(NAME_CONSTRAINTS);
        if (value == null) {
            return;
        }
        NameConstraints constraints = NameConstraints.getInstance(
            ASN1Primitive.fromByteArray(DEROctetString.getInstance(value).getOctets()));
        for (GeneralSubtree[] subtrees : new GeneralSubtree[][] {constraints.getPermittedSubtrees(), constraints.getExcludedSubtrees()}) {
            for (GeneralSubtree subtree : subtrees == null ? new GeneralSubtree[0] : subtrees) {
                Optional<String> malformed = malformedConstraint(subtree.getBase());
                if (malformed.isPresent()) {
                    throw new MalformedConstraint(PathProfile.who(ca) + " has a malformed name constraint: " + malformed.get()
                        + " (RFC 5280 §4.2.1.10)");
                }
            }
        }
        constrainedBy.add(PathProfile.who(ca));
        if (constraints.getPermittedSubtrees() != null) {
            validator.intersectPermittedSubtree(constraints.getPermittedSubtrees());
        }
        if (constraints.getExcludedSubtrees() != null) {
            for (GeneralSubtree subtree : constraints.getExcludedSubtrees()) {
                validator.addExcludedSubtree(subtree);
                if (subtree.getBase().getTagNo() == GeneralName.dNSName) {
                    excludedDns.add(subtree.getBase().getName().toString().toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    private static Optional<String> checkNames(X509Certificate certificate, PKIXNameConstraintValidator validator,
                                               List<String> namesUsed, List<String> excludedDns) throws IOException {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        try {
            validator.checkPermittedDN(subject);
            validator.checkExcludedDN(subject);
        } catch (NameConstraintValidatorException e) {
            return Optional.of("has subject '" + certificate.getSubjectX500Principal().getName() + "'");
        }
        for (GeneralName name : PathProfile.subjectAltNames(certificate)) {
            try {
                validator.checkPermitted(name);
                validator.checkExcluded(name);
            } catch (NameConstraintValidatorException e) {
                return Optional.of("has subjectAltName " + describe(name));
            }
            if (name.getTagNo() == GeneralName.dNSName) {
                Optional<String> hidden = wildcardOverExcluded(name.getName().toString(), excludedDns);
                if (hidden.isPresent()) {
                    return Optional.of("has wildcard '" + name.getName() + "' that stands for the excluded '" + hidden.get() + "'");
                }
            }
        }
        for (String used : namesUsed) {
            GeneralName name = new GeneralName(GeneralName.dNSName, used);
            try {
                validator.checkPermitted(name);
                validator.checkExcluded(name);
            } catch (NameConstraintValidatorException e) {
                return Optional.of("is accepted for '" + used + "'");
            }
        }
        return Optional.empty();
    }

    /** A constraint that is not in the form RFC 5280 §4.2.1.10 gives its type: the path is refused. */
    private static final class MalformedConstraint extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedConstraint(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * RFC 5280 §4.2.1.10 forms: a dNSName constraint is a host name (no wildcard, no leading period); an iPAddress
     * constraint is an address and a contiguous mask (8 or 32 octets); an rfc822Name constraint is a mailbox, a host,
     * or a domain with a leading period.
     */
    private static Optional<String> malformedConstraint(GeneralName base) {
        switch (base.getTagNo()) {
            case GeneralName.dNSName -> {
                String name = base.getName().toString();
                return name.isEmpty() || PathProfile.HOST_NAME.matcher(name).matches() ? Optional.empty()
                    : Optional.of("dNSName '" + name + "' is not a host name");
            }
            case GeneralName.iPAddress -> {
                byte[] octets = DEROctetString.getInstance(base.getName()).getOctets();
                if (octets.length != 8 && octets.length != 32) {
                    return Optional.of("iPAddress of " + octets.length + " octets is not an address and a mask (8 or 32)");
                }
                return contiguousMask(octets, octets.length / 2) ? Optional.empty()
                    : Optional.of("iPAddress mask is not contiguous");
            }
            case GeneralName.rfc822Name -> {
                String mailbox = base.getName().toString();
                int at = mailbox.indexOf('@');
                String domain = at < 0 ? (mailbox.startsWith(".") ? mailbox.substring(1) : mailbox) : mailbox.substring(at + 1);
                boolean valid = mailbox.indexOf('@', at + 1) < 0 && at != 0 && PathProfile.HOST_NAME.matcher(domain).matches();
                return valid ? Optional.empty() : Optional.of("rfc822Name '" + mailbox + "' is not a mailbox, host or domain");
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static boolean contiguousMask(byte[] octets, int from) {
        boolean zeros = false;
        for (int i = from; i < octets.length; i++) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (octets[i] >> bit & 1) == 1;
                if (one && zeros) {
                    return false;
                }
                zeros |= !one;
            }
        }
        return true;
    }

    /** The excluded host a wildcard {@code *.base} can stand for: an excluded subtree exactly one label below base. */
    private static Optional<String> wildcardOverExcluded(String dnsName, List<String> excludedDns) {
        String name = dnsName.toLowerCase(Locale.ROOT);
        if (!name.startsWith("*.")) {
            return Optional.empty();
        }
        String base = name.substring(2);
        for (String excluded : excludedDns) {
            String host = excluded.startsWith(".") ? excluded.substring(1) : excluded;
            int dot = host.indexOf('.');
            if (dot > 0 && host.substring(dot + 1).equals(base)) {
                return Optional.of(host);
            }
        }
        return Optional.empty();
    }

    private static String describe(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> "DNS:" + name.getName();
            case GeneralName.rfc822Name -> "email:" + name.getName();
            case GeneralName.uniformResourceIdentifier -> "URI:" + name.getName();
            case GeneralName.directoryName -> "DirName:" + name.getName();
            case GeneralName.iPAddress -> "IP address";
            default -> "name of type " + name.getTagNo();
        };
    }
}
