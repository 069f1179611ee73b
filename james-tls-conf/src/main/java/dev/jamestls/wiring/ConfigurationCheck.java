package dev.jamestls.wiring;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.jamestls.outbound.HeloName;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.parameters.DeliveryParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.policy.CipherPreset;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.policy.file.Problem;
import dev.jamestls.policy.file.SystemPropertyReferences;
import dev.jamestls.policy.file.XmlElement;
import dev.jamestls.tls.CipherSuites;
import dev.jamestls.tls.KeyStoreChains;
import dev.jamestls.tls.PemFiles;

/**
 * {@code check <james-conf-dir>}: the policy file and its tables, our components
 * in {@code mailetcontainer.xml}, {@code smtpserver.xml} and {@code tls-smtpserver.xml}
 * (our certificate-wanted listeners), TLS on every SMTP listener, protocol versions, keystores and the server certificate's expiry.
 * Paths in James's files ({@code file://conf/keystore}) are relative to James's
 * working directory, the conf directory's parent.
 */
public final class ConfigurationCheck {
    public static final String POLICY_FILE = "tls-policy.xml";
    public static final String MAILETCONTAINER = "mailetcontainer.xml";
    public static final String SMTPSERVER = "smtpserver.xml";
    /** Our certificate-wanted listeners (the shared MX port): same format as {@link #SMTPSERVER}, no {@code <clientAuth>}. */
    public static final String CERTIFICATE_WANTED_SMTPSERVER = "tls-smtpserver.xml";
    static final String EXTENSIONS = "extensions.properties";
    static final String JVM_PROPERTIES = "jvm.properties";
    /** JSSE (JDK 8u+, 11+): refuse renegotiation a client starts, on every TLS 1.2 server connection. */
    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";
    private static final String CERTIFICATE_WANTED_STARTABLE = "dev.jamestls.james.listener.CertificateWantedListeners";
    static final Duration CERTIFICATE_MARGIN = Duration.ofDays(30);
    private static final Set<String> LEGACY_PROTOCOLS = Set.of("SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1");
    /** Parameters James's container reads for every mailet, not the mailet itself. */
    private static final Set<String> CONTAINER_PARAMETERS = Set.of("onMailetException", "onMatchException");

    private final Clock clock;
    private final ComponentCatalog catalog;
    private final HeloName.LocalHostName localHost;

    public ConfigurationCheck(Clock clock, ComponentCatalog catalog) {
        this(clock, catalog, () -> InetAddress.getLocalHost().getCanonicalHostName());
    }

    /** @param localHost this host's name, as TlsRemoteDelivery looks it up when {@code heloName} is not set */
    public ConfigurationCheck(Clock clock, ComponentCatalog catalog, HeloName.LocalHostName localHost) {
        this.clock = clock;
        this.catalog = catalog;
        this.localHost = localHost;
    }

    /** Every finding, files in a stable order, lines ascending within a file. */
    public List<Problem> check(Path confDir) {
        List<Problem> problems = new ArrayList<>();
        Path root = confDir.toAbsolutePath().normalize().getParent();
        Optional<TlsPolicy> policy = checkPolicy(confDir, problems);
        Set<String> policyFiles = new HashSet<>();
        Optional<XmlElement> mailets = read(confDir.resolve(MAILETCONTAINER), problems);
        mailets.ifPresent(m -> checkMailetContainer(confDir.resolve(MAILETCONTAINER), m, policy, policyFiles, problems));
        Optional<XmlElement> smtp = read(confDir.resolve(SMTPSERVER), problems);
        boolean tls12 = smtp.map(s -> checkSmtpServer(confDir.resolve(SMTPSERVER), s, root, false, policyFiles, problems)).orElse(false);
        tls12 |= checkCertificateWantedListeners(confDir, root, policyFiles, problems);
        if (tls12) {
            checkRenegotiation(confDir, problems);
        }
        for (String policyFile : policyFiles) {
            Optional<Path> location = jamesPath(policyFile);
            if (location.isEmpty()) {
                continue;
            }
            Path referenced = root.resolve(location.get()).normalize();
            if (!referenced.equals(confDir.toAbsolutePath().normalize().resolve(POLICY_FILE)) && !Files.isRegularFile(referenced)) {
                problems.add(Problem.error(confDir.resolve(POLICY_FILE), 0, 0, "policyFile",
                    "'" + policyFile + "' named by a component does not exist (looked at " + referenced + ")"));
            }
        }
        problems.addAll(OutboundIdentities.check(confDir, clock));
        Map<Path, List<Problem>> byFile = new java.util.LinkedHashMap<>();
        problems.forEach(p -> byFile.computeIfAbsent(p.file(), f -> new ArrayList<>()).add(p));
        List<Problem> sorted = new ArrayList<>();
        byFile.values().forEach(list -> {
            list.sort(java.util.Comparator.comparingInt(Problem::line));
            sorted.addAll(list);
        });
        return Collections.unmodifiableList(sorted);
    }

    private Optional<TlsPolicy> checkPolicy(Path confDir, List<Problem> problems) {
        Path file = confDir.resolve(POLICY_FILE);
        if (!Files.exists(file)) {
            problems.add(Problem.warning(file, 0, 0, "", "no " + POLICY_FILE + ": the defaults apply (opportunistic TLS in and out)"));
            return Optional.empty();
        }
        PolicyFileParser.Result result = new PolicyFileParser(clock).parse(file);
        problems.addAll(result.problems());
        return result.policy();
    }

    private static Optional<XmlElement> read(Path file, List<Problem> problems) {
        try {
            return Optional.of(XmlElement.read(file));
        } catch (NoSuchFileException e) {
            problems.add(Problem.error(file, 0, 0, "", "file not found"));
        } catch (IOException e) {
            problems.add(Problem.error(file, 0, 0, "", "cannot be read: " + e.getMessage()));
        } catch (XmlElement.MalformedException e) {
            problems.add(Problem.error(file, e.line(), e.column(), "", "not well-formed XML: " + e.getMessage()));
        }
        return Optional.empty();
    }

    // ---- mailetcontainer.xml

    private void checkMailetContainer(Path file, XmlElement root, Optional<TlsPolicy> policy, Set<String> policyFiles,
                                      List<Problem> problems) {
        Set<String> processors = new HashSet<>();
        collectProcessors(root, processors);
        walk(root, element -> {
            String match = element.attributes().get("match");
            if (match != null && (element.name().equals("mailet") || element.name().equals("matcher"))) {
                checkMatcher(file, element, match, policy, problems);
            }
            String className = element.attributes().get("class");
            if (className != null && element.name().equals("mailet") && className.startsWith(ComponentCatalog.OUR_PACKAGE)) {
                checkComponent(file, element, className, ComponentCatalog.Kind.MAILET, "<mailet class=\"" + className + "\">",
                    policyFiles, problems).ifPresent(component -> {
                        for (XmlElement child : element.children("violationProcessor")) {
                            if (!processors.contains(child.text())) {
                                problems.add(Problem.error(file, child.line(), child.column(), "<violationProcessor>",
                                    "processor '" + child.text() + "' is not defined in " + MAILETCONTAINER + "; defined: "
                                        + String.join(", ", processors.stream().sorted().toList())));
                            }
                        }
                        if (component.className().equals(OutboundIdentities.MAILET)) {
                            checkHeloName(file, element, problems);
                            checkRetrySchedule(file, element, problems);
                            checkValidatingResolver(file, element, policy, problems);
                        }
                    });
            }
        });
    }

    /**
     * DANE and MTA-STS ask the resolver for DNSSEC records and validate them: without {@code dnssecResolver} the system's
     * first name server is asked, which must be a recursive resolver that returns them, or every DANE delivery defers.
     */
    private static void checkValidatingResolver(Path file, XmlElement mailet, Optional<TlsPolicy> policy, List<Problem> problems) {
        if (policy.isPresent() && policy.get().asksValidatedDns() && childText(mailet, DeliveryParameters.DNSSEC_RESOLVER.name()).isEmpty()) {
            problems.add(Problem.warning(file, mailet.line(), mailet.column(), "<mailet class=\"" + OutboundIdentities.MAILET + "\">",
                POLICY_FILE + " uses DANE or MTA-STS, and no " + DeliveryParameters.DNSSEC_RESOLVER.name() + " is set: the system's "
                    + "first name server is asked; it must be a recursive resolver that returns DNSSEC records, or mail to DANE "
                    + "destinations is deferred"));
        }
    }

    /** What TlsRemoteDelivery's init decides about its EHLO name, judged on this host (where check is meant to run). */
    private void checkHeloName(Path file, XmlElement mailet, List<Problem> problems) {
        try {
            HeloName.choose(childText(mailet, "heloName"), localHost);
        } catch (IllegalArgumentException e) {
            problems.add(Problem.error(file, mailet.line(), mailet.column(), "<mailet class=\"" + OutboundIdentities.MAILET + "\">",
                e.getMessage()));
        }
    }

    /**
     * {@code delayTime} and {@code maxRetries} are each valid alone but must agree (more delays than retries is an
     * error at init): judged together here as TlsRemoteDelivery's init does. A bad value alone is reported by its spec.
     */
    private static void checkRetrySchedule(Path file, XmlElement mailet, List<Problem> problems) {
        ParameterSpec<List<java.time.Duration>> delayTime = DeliveryParameters.DELAY_TIME;
        ParameterSpec<Integer> maxRetries = DeliveryParameters.MAX_RETRIES;
        String delays = childText(mailet, delayTime.name()).orElse(delayTime.defaultValue().orElseThrow());
        String retries = childText(mailet, maxRetries.name()).orElse(maxRetries.defaultValue().orElseThrow());
        List<java.time.Duration> parsedDelays;
        int parsedRetries;
        try {
            parsedDelays = delayTime.parse(delays);
            parsedRetries = maxRetries.parse(retries);
        } catch (IllegalArgumentException alone) {
            return; // reported by the parameter's own check
        }
        try {
            new RetrySchedule(parsedDelays, parsedRetries);
        } catch (IllegalArgumentException e) {
            XmlElement at = mailet.children(delayTime.name()).stream().findFirst().orElse(mailet);
            problems.add(Problem.error(file, at.line(), at.column(), "<" + delayTime.name() + ">", delayTime.problem(delays, e.getMessage())));
        }
    }

    private static void collectProcessors(XmlElement element, Set<String> processors) {
        if (element.name().equals("processor") && element.attributes().containsKey("state")) {
            processors.add(element.attributes().get("state"));
        }
        element.children().forEach(child -> collectProcessors(child, processors));
    }

    private void checkMatcher(Path file, XmlElement element, String match, Optional<TlsPolicy> policy, List<Problem> problems) {
        int equals = match.indexOf('=');
        String className = (equals < 0 ? match : match.substring(0, equals)).trim();
        if (!className.startsWith(ComponentCatalog.OUR_PACKAGE)) {
            return;
        }
        String subject = "<" + element.name() + " match=\"" + match + "\">";
        Optional<ComponentCatalog.Component> component = catalog.find(className);
        if (component.isEmpty() || component.get().kind() != ComponentCatalog.Kind.MATCHER) {
            problems.add(Problem.error(file, element.line(), element.column(), subject, unknownClass(className, ComponentCatalog.Kind.MATCHER)));
            return;
        }
        Optional<String> condition = equals < 0 ? Optional.empty() : Optional.of(match.substring(equals + 1));
        Optional<ParameterSpec<?>> check = component.get().condition();
        if (check.isEmpty()) {
            if (condition.isPresent()) {
                problems.add(Problem.error(file, element.line(), element.column(), subject,
                    component.get().simpleName() + " takes no condition; found '" + condition.get() + "'"));
            }
            return;
        }
        try {
            check.get().check(condition.orElse("").trim());
        } catch (IllegalArgumentException e) {
            problems.add(Problem.error(file, element.line(), element.column(), subject, e.getMessage()));
            return;
        }
        if (className.endsWith(".FromPartner") && policy.isPresent() && policy.get().connector(condition.orElse("")).isEmpty()) {
            problems.add(Problem.error(file, element.line(), element.column(), subject, "no connector named '" + condition.orElse("")
                + "' in " + POLICY_FILE + "; defined: " + String.join(", ", policy.get().connectors().stream().map(Connector::name).toList())));
        }
    }

    private Optional<ComponentCatalog.Component> checkComponent(Path file, XmlElement element, String className, ComponentCatalog.Kind kind,
                                                                String subject, Set<String> policyFiles, List<Problem> problems) {
        Optional<ComponentCatalog.Component> component = catalog.find(className);
        if (component.isEmpty() || component.get().kind() != kind) {
            problems.add(Problem.error(file, element.line(), element.column(), subject, unknownClass(className, kind)));
            return Optional.empty();
        }
        Map<String, ParameterSpec<?>> parameters = component.get().parameters();
        Map<String, XmlElement> given = new java.util.HashMap<>();
        for (XmlElement child : element.children()) {
            if (kind == ComponentCatalog.Kind.MAILET && CONTAINER_PARAMETERS.contains(child.name())) {
                continue;
            }
            XmlElement first = given.putIfAbsent(child.name(), child);
            if (first != null) {
                // James's configuration hands a component the first value only (commons-configuration getString):
                // a second one, often the intended fix, would be ignored without a word.
                problems.add(Problem.error(file, child.line(), child.column(), "<" + child.name() + ">", "given more than once to "
                    + component.get().simpleName() + " (first at line " + first.line() + "); James reads only the first; "
                    + "accepted: each parameter once"));
                continue;
            }
            ParameterSpec<?> parameter = parameters.get(child.name());
            if (parameter == null) {
                problems.add(Problem.error(file, child.line(), child.column(), "<" + child.name() + ">", "unknown parameter of "
                    + component.get().simpleName() + "; accepted: " + component.get().acceptedParameters()));
                continue;
            }
            try {
                // James reads parameters through commons-configuration, which resolves ${sys:name} and ${sys:name:-default}.
                parameter.check(SystemPropertyReferences.resolve(child.text(), System::getProperty));
                if (parameter.name().equals("policyFile")) {
                    policyFiles.add(child.text());
                }
            } catch (IllegalArgumentException e) {
                problems.add(Problem.error(file, child.line(), child.column(), "<" + child.name() + ">", e.getMessage()));
            }
        }
        return component;
    }

    private String unknownClass(String className, ComponentCatalog.Kind kind) {
        Optional<ComponentCatalog.Component> other = catalog.find(className);
        if (other.isPresent()) {
            return className + " is a " + other.get().kind() + ", not a " + kind;
        }
        return "unknown " + kind + " class " + className + "; accepted: " + catalog.namesOf(kind);
    }

    // ---- smtpserver.xml

    /**
     * {@code tls-smtpserver.xml}: checked like smtpserver.xml when present; required when extensions.properties starts it.
     *
     * @return whether one of its listeners allows TLS 1.2
     */
    private boolean checkCertificateWantedListeners(Path confDir, Path jamesRoot, Set<String> policyFiles, List<Problem> problems) {
        Path file = confDir.resolve(CERTIFICATE_WANTED_SMTPSERVER);
        if (Files.exists(file)) {
            return read(file, problems).map(listeners -> checkSmtpServer(file, listeners, jamesRoot, true, policyFiles, problems))
                .orElse(false);
        }
        Path extensions = confDir.resolve(EXTENSIONS);
        try {
            if (Files.isRegularFile(extensions) && Files.readString(extensions).contains(CERTIFICATE_WANTED_STARTABLE)) {
                problems.add(Problem.error(file, 0, 0, "", "file not found; " + EXTENSIONS + " starts " + CERTIFICATE_WANTED_STARTABLE
                    + ", which reads it"));
            }
        } catch (IOException e) {
            problems.add(Problem.error(extensions, 0, 0, "", "cannot be read: " + e.getMessage()));
        }
        return false;
    }

    /**
     * Client-initiated renegotiation (TLS 1.2; RFC 8446 removed it) makes the server run a full handshake per
     * request and SMTP never needs it. The JDK allows it unless a system property says otherwise; James sets
     * conf/jvm.properties as system properties first thing at startup. The java command line is out of sight here.
     */
    private static void checkRenegotiation(Path confDir, List<Problem> problems) {
        Path file = confDir.resolve(JVM_PROPERTIES);
        String accepted = "; accepted: " + REJECT_RENEGOTIATION + "=true in " + JVM_PROPERTIES + " (or -D" + REJECT_RENEGOTIATION
            + "=true on James's java command line, which this check cannot see)";
        java.util.Properties properties = new java.util.Properties();
        if (Files.isRegularFile(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                properties.load(in);
            } catch (IOException | IllegalArgumentException e) {
                problems.add(Problem.error(file, 0, 0, "", "cannot be read: " + e.getMessage()));
                return;
            }
        }
        String value = properties.getProperty(REJECT_RENEGOTIATION);
        if (value == null) {
            problems.add(Problem.warning(file, 0, 0, REJECT_RENEGOTIATION, "not set: clients may renegotiate TLS 1.2 sessions"
                + " on every listener" + accepted));
        } else if (value.equalsIgnoreCase("false")) {
            problems.add(Problem.warning(file, 0, 0, REJECT_RENEGOTIATION, "false: clients may renegotiate TLS 1.2 sessions"
                + " on every listener" + accepted));
        } else if (!value.equalsIgnoreCase("true")) {
            problems.add(Problem.error(file, 0, 0, REJECT_RENEGOTIATION, "not a boolean '" + value + "'" + accepted));
        }
    }

    /** @return whether an enabled listener allows TLS 1.2 */
    private boolean checkSmtpServer(Path file, XmlElement root, Path jamesRoot, boolean certificateWanted, Set<String> policyFiles,
                                    List<Problem> problems) {
        boolean tls12 = false;
        List<XmlElement> servers = root.name().equals("smtpserver") ? List.of(root) : root.children("smtpserver");
        for (XmlElement server : servers) {
            if ("false".equals(server.attributes().get("enabled"))) {
                continue;
            }
            String bind = server.children("bind").stream().map(XmlElement::text).findFirst().orElse("?");
            String subject = "<smtpserver bind=\"" + bind + "\">";
            List<XmlElement> tls = server.children("tls");
            boolean startTls = !tls.isEmpty() && "true".equals(tls.get(0).attributes().get("startTLS"));
            boolean socketTls = !tls.isEmpty() && "true".equals(tls.get(0).attributes().get("socketTLS"));
            if (!startTls && !socketTls) {
                problems.add(Problem.error(file, server.line(), server.column(), subject,
                    "listener offers no TLS; accepted: <tls startTLS=\"true\"> (RFC 3207) or <tls socketTLS=\"true\"> (RFC 8314)"));
            } else {
                if (certificateWanted && !tls.get(0).children("clientAuth").isEmpty()) {
                    problems.add(Problem.error(file, tls.get(0).line(), tls.get(0).column(), subject + " <tls>",
                        "<clientAuth> makes the client certificate mandatory on a certificate-wanted listener; accepted: no <clientAuth> here,"
                            + " or the listener in " + SMTPSERVER));
                }
                checkTls(file, tls.get(0), subject, jamesRoot, problems);
                tls12 |= allowsTls12(tls.get(0));
            }
            for (XmlElement chain : server.children("handlerchain")) {
                for (XmlElement handler : chain.children("handler")) {
                    String className = handler.attributes().getOrDefault("class", "");
                    if (className.startsWith(ComponentCatalog.OUR_PACKAGE)) {
                        checkComponent(file, handler, className, ComponentCatalog.Kind.HOOK, "<handler class=\"" + className + "\">",
                            policyFiles, problems);
                    }
                }
            }
        }
        return tls12;
    }

    /** The JDK default enables TLS 1.2 (SSLContext "TLS", JDK 11+). */
    private static boolean allowsTls12(XmlElement tls) {
        List<XmlElement> supported = tls.children("supportedProtocols");
        return supported.isEmpty() || supported.get(0).children("protocol").stream().anyMatch(p -> p.text().equals("TLSv1.2"));
    }

    private void checkTls(Path file, XmlElement tls, String subject, Path jamesRoot, List<Problem> problems) {
        List<XmlElement> supported = tls.children("supportedProtocols");
        if (supported.isEmpty()) {
            problems.add(Problem.warning(file, tls.line(), tls.column(), subject + " <tls>",
                "no <supportedProtocols>: the JDK default applies; accepted: <supportedProtocols><protocol>TLSv1.2</protocol>"
                    + "<protocol>TLSv1.3</protocol></supportedProtocols>"));
        } else {
            for (XmlElement protocol : supported.get(0).children("protocol")) {
                if (LEGACY_PROTOCOLS.contains(protocol.text())) {
                    problems.add(Problem.error(file, protocol.line(), protocol.column(), "<protocol>",
                        protocol.text() + " must not be enabled (RFC 8996); accepted: TLSv1.2, TLSv1.3"));
                }
            }
        }
        checkCipherSuites(file, tls, subject, problems);
        Optional<String> keystore = childText(tls, "keystore");
        Optional<String> privateKey = childText(tls, "privateKey");
        Optional<String> certificates = childText(tls, "certificates");
        String secret = childText(tls, "secret").orElse("");
        if (keystore.isPresent()) {
            String type = childText(tls, "keystoreType").orElse("JKS");
            checkKeystore(file, tls, jamesRoot, keystore.get(), type, secret, problems);
        } else if (privateKey.isPresent() && certificates.isPresent()) {
            checkPem(file, tls, jamesRoot, privateKey.get(), certificates.get(), problems);
        } else {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject + " <tls>",
                "no server key; accepted: <keystore> (with <keystoreType> JKS or PKCS12 and <secret>) or <privateKey> with <certificates>"));
        }
    }

    /** Forward secrecy and AEAD on every connection (RFC 9325 §4.2): warn on what the listener offers beyond that. */
    private static void checkCipherSuites(Path file, XmlElement tls, String subject, List<Problem> problems) {
        List<XmlElement> supported = tls.children("supportedCipherSuites");
        if (supported.isEmpty()) {
            problems.add(Problem.warning(file, tls.line(), tls.column(), subject + " <tls>",
                "no <supportedCipherSuites>: the JDK default applies, which offers TLS 1.2 suites without forward secrecy"
                    + " (static-RSA key exchange) and in CBC mode; accepted: <supportedCipherSuites> with forward-secret AEAD suites only,"
                    + " e.g. " + String.join(", ", CipherPreset.MODERN.suites())));
            return;
        }
        for (XmlElement suite : supported.get(0).children("cipherSuite")) {
            List<String> weaknesses = CipherSuites.weaknesses(suite.text());
            if (!weaknesses.isEmpty()) {
                problems.add(Problem.warning(file, suite.line(), suite.column(), "<cipherSuite>", suite.text() + ": "
                    + String.join(", ", weaknesses) + "; accepted: TLS 1.3 suites, and in TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305"));
            }
        }
    }

    private void checkKeystore(Path file, XmlElement tls, Path jamesRoot, String location, String type, String secret, List<Problem> problems) {
        String subject = "<keystore>" + location + "</keystore>";
        if (!type.equals("JKS") && !type.equals("PKCS12")) {
            problems.add(Problem.error(file, tls.line(), tls.column(), "<keystoreType>", "unknown keystore type '" + type + "'; accepted: JKS, PKCS12"));
            return;
        }
        Optional<Path> path = jamesPath(location);
        if (path.isEmpty()) {
            problems.add(Problem.warning(file, tls.line(), tls.column(), subject, "not a file:// location; it cannot be checked here"));
            return;
        }
        Path resolved = jamesRoot.resolve(path.get()).normalize();
        try (InputStream in = Files.newInputStream(resolved)) {
            KeyStore store = KeyStoreChains.load(in, type, secret.toCharArray());
            List<X509Certificate> chain = KeyStoreChains.keyEntryChains(store).values().stream().findFirst().orElse(null);
            if (chain == null) {
                problems.add(Problem.error(file, tls.line(), tls.column(), subject, "the keystore holds no private key with a certificate"));
                return;
            }
            checkExpiry(file, tls, subject, chain.get(0), problems);
        } catch (NoSuchFileException e) {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject, "keystore not found (looked at " + resolved + ")"));
        } catch (IOException | GeneralSecurityException e) {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject, "keystore does not load as " + type + " with the configured secret: "
                + e.getMessage()));
        }
    }

    private void checkPem(Path file, XmlElement tls, Path jamesRoot, String keyLocation, String certificatesLocation, List<Problem> problems) {
        String subject = "<certificates>" + certificatesLocation + "</certificates>";
        Optional<Path> keyPath = jamesPath(keyLocation);
        Optional<Path> certificatesPath = jamesPath(certificatesLocation);
        if (keyPath.isEmpty() || certificatesPath.isEmpty()) {
            problems.add(Problem.warning(file, tls.line(), tls.column(), subject, "not a file:// location; it cannot be checked here"));
            return;
        }
        try {
            PemFiles.readPrivateKey(jamesRoot.resolve(keyPath.get()).normalize());
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.error(file, tls.line(), tls.column(), "<privateKey>" + keyLocation + "</privateKey>",
                "private key does not load: " + e.getMessage()));
        }
        try {
            List<X509Certificate> chain = PemFiles.readCertificates(jamesRoot.resolve(certificatesPath.get()).normalize());
            if (chain.isEmpty()) {
                problems.add(Problem.error(file, tls.line(), tls.column(), subject, "no certificate in the file"));
                return;
            }
            checkExpiry(file, tls, subject, chain.get(0), problems);
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject, "certificates do not load: " + e.getMessage()));
        }
    }

    private void checkExpiry(Path file, XmlElement tls, String subject, X509Certificate certificate, List<Problem> problems) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Instant now = clock.instant();
        String name = certificate.getSubjectX500Principal().getName();
        if (notAfter.isBefore(now)) {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject, "server certificate " + name + " expired on " + notAfter));
        } else if (notAfter.isBefore(now.plus(CERTIFICATE_MARGIN))) {
            problems.add(Problem.error(file, tls.line(), tls.column(), subject, "server certificate " + name + " expires on " + notAfter
                + ", within " + CERTIFICATE_MARGIN.toDays() + " days"));
        }
    }

    /** {@code file://conf/keystore} (James's form, relative to its working directory), {@code file:///abs}, or a plain path. */
    public static Optional<Path> jamesPath(String location) {
        if (location.startsWith("file://")) {
            return Optional.of(Path.of(location.substring("file://".length())));
        }
        if (location.contains(":") && !location.matches("[A-Za-z]:.*")) {
            return Optional.empty(); // classpath:, http: ...
        }
        return Optional.of(Path.of(location));
    }

    private static Optional<String> childText(XmlElement element, String name) {
        return element.children(name).stream().map(XmlElement::text).findFirst();
    }

    private static void walk(XmlElement element, java.util.function.Consumer<XmlElement> visitor) {
        visitor.accept(element);
        element.children().forEach(child -> walk(child, visitor));
    }
}
