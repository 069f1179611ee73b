package dev.jamestls.wiring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import dev.jamestls.policy.Connector;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.policy.file.Problem;
import dev.jamestls.policy.file.XmlElement;
import dev.jamestls.tls.ClientIdentity;

/**
 * Where our outbound client identities are configured, for {@code check} and {@code facts --james-conf}:
 * {@code TlsRemoteDelivery}'s {@code clientCertificates}/{@code clientPrivateKey} or
 * {@code clientKeystore}/{@code clientKeystoreType}/{@code clientSecret} in {@code mailetcontainer.xml}
 * (James locations, relative to its working directory), and the connectors' {@code <clientIdentity>} in
 * {@code tls-policy.xml}. It is the certificate partners see when we deliver to them, so it is checked
 * as they will: expiry, validity, key and certificate together, EKU {@code clientAuth} (RFC 5280 §4.2.1.12).
 */
public final class OutboundIdentities {
    static final String MAILET = "dev.jamestls.james.mailets.TlsRemoteDelivery";

    /**
     * One configured identity.
     *
     * @param file the file that configures it
     * @param line its line there, 0 when unknown
     * @param column its column, 0 when unknown
     * @param subject the element, printable
     * @param loader reads it; throws {@link IllegalArgumentException} naming the file and the problem
     */
    public record Configured(Path file, int line, int column, String subject, Supplier<ClientIdentity> loader) {
    }

    private OutboundIdentities() {
    }

    /** Every identity configured under {@code confDir}; files that do not read or parse contribute none. */
    public static List<Configured> configured(Path confDir, Clock clock) {
        List<Configured> found = new ArrayList<>();
        Path jamesRoot = confDir.toAbsolutePath().normalize().getParent();
        Path mailets = confDir.resolve(ConfigurationCheck.MAILETCONTAINER);
        try {
            found.addAll(inMailetContainer(mailets, XmlElement.read(mailets), jamesRoot));
        } catch (IOException | XmlElement.MalformedException e) {
            // Reported by the mailetcontainer.xml check.
        }
        Path policyFile = confDir.resolve(ConfigurationCheck.POLICY_FILE);
        if (Files.exists(policyFile)) {
            new PolicyFileParser(clock).parse(policyFile).policy().ifPresent(policy -> found.addAll(inPolicy(policyFile, policy)));
        }
        return found;
    }

    /** {@code check}: an identity that does not load, or that partners would refuse, is an error. */
    public static List<Problem> check(Path confDir, Clock clock) {
        List<Problem> problems = new ArrayList<>();
        for (Configured configured : configured(confDir, clock)) {
            try {
                ClientIdentity identity = configured.loader().get();
                for (ClientIdentity.Finding finding : identity.findings(clock.instant())) {
                    problems.add(Problem.error(configured.file(), configured.line(), configured.column(), configured.subject(),
                        "outbound " + finding.message()));
                }
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(configured.file(), configured.line(), configured.column(), configured.subject(),
                    "outbound client identity does not load: " + e.getMessage()));
            }
        }
        return problems;
    }

    static List<Configured> inMailetContainer(Path file, XmlElement root, Path jamesRoot) {
        List<Configured> found = new ArrayList<>();
        collect(file, root, jamesRoot, found);
        return found;
    }

    private static void collect(Path file, XmlElement element, Path jamesRoot, List<Configured> found) {
        if (element.name().equals("mailet") && MAILET.equals(element.attributes().get("class"))) {
            mailetIdentity(file, element, jamesRoot).ifPresent(found::add);
        }
        element.children().forEach(child -> collect(file, child, jamesRoot, found));
    }

    private static Optional<Configured> mailetIdentity(Path file, XmlElement mailet, Path jamesRoot) {
        Optional<String> keystore = text(mailet, "clientKeystore");
        Optional<String> certificates = text(mailet, "clientCertificates");
        Optional<String> key = text(mailet, "clientPrivateKey");
        if (keystore.isPresent()) {
            String type = text(mailet, "clientKeystoreType").orElse("PKCS12");
            char[] secret = text(mailet, "clientSecret").orElse("").toCharArray();
            String subject = "<clientKeystore>" + keystore.get() + "</clientKeystore>";
            return Optional.of(new Configured(file, mailet.line(), mailet.column(), subject,
                () -> ClientIdentity.fromKeyStore(location(jamesRoot, keystore.get()), type, secret, Optional.empty())));
        }
        if (certificates.isPresent() || key.isPresent()) {
            String subject = "<clientCertificates>" + certificates.orElse("") + "</clientCertificates>";
            return Optional.of(new Configured(file, mailet.line(), mailet.column(), subject, () -> {
                if (certificates.isEmpty() || key.isEmpty()) {
                    throw new IllegalArgumentException("clientCertificates and clientPrivateKey go together; accepted: both, or clientKeystore");
                }
                return ClientIdentity.fromPem(location(jamesRoot, key.get()), location(jamesRoot, certificates.get()));
            }));
        }
        return Optional.empty();
    }

    static List<Configured> inPolicy(Path policyFile, TlsPolicy policy) {
        List<Configured> found = new ArrayList<>();
        for (Connector connector : policy.connectors()) {
            Optional<ClientIdentity> identity = connector.outbound().map(Connector.Outbound::requirement)
                .flatMap(OutboundRequirement::clientIdentity);
            identity.ifPresent(id -> found.add(new Configured(policyFile, 0, 0,
                "connector '" + connector.name() + "' <clientIdentity>", () -> id)));
        }
        return found;
    }

    private static Path location(Path jamesRoot, String value) {
        Path path = ConfigurationCheck.jamesPath(value).orElseThrow(() -> new IllegalArgumentException("'" + value
            + "' is not a file location; accepted: file://conf/..., file:///absolute/path or a plain path"));
        return jamesRoot.resolve(path).normalize();
    }

    private static Optional<String> text(XmlElement element, String name) {
        return element.children(name).stream().map(XmlElement::text).filter(t -> !t.isEmpty()).findFirst();
    }
}
