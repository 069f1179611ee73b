package dev.jamestls.policy.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import dev.jamestls.policy.CertificateName;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.CipherPreset;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.policy.Connector;
import dev.jamestls.policy.ContentDigest;
import dev.jamestls.policy.Defaults;
import dev.jamestls.policy.DomainPattern;
import dev.jamestls.policy.DomainTable;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.InboundRequirement;
import dev.jamestls.policy.IpRange;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.MinimumProtocols;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.SmartHost;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.TlsProtocol;

/**
 * Reads {@code tls-policy.xml} (format: docs/policy-reference.md). Every problem
 * of the file and of its domain tables is collected with its location; the
 * policy is built only when there is no error. Relative paths (domain tables,
 * trust anchors) are resolved against the policy file's directory.
 */
public final class PolicyFileParser {
    static final String ROOT = "tlsPolicy";
    private static final String MODES = Mode.accepted();
    private static final String LEVELS = OutboundLevel.accepted();
    private static final String DATE_FORM = "a date such as 2027-01-31 (ISO 8601, last day the connector applies)";
    private static final int EXPIRY_WARNING_DAYS = 14;

    private final Clock clock;
    private final UnaryOperator<String> systemProperties;

    public PolicyFileParser(Clock clock) {
        this(clock, System::getProperty);
    }

    /** @param systemProperties what {@code ${sys:name}} in a {@code <smartHost>} resolves against */
    PolicyFileParser(Clock clock, UnaryOperator<String> systemProperties) {
        this.clock = clock;
        this.systemProperties = systemProperties;
    }

    /**
     * The result of reading a policy: the policy when there is no error, every problem, and every file
     * read with the digest of its content. A file's digest is taken before it is parsed (or, for trust
     * anchors, from the very bytes parsed), so an edit made while the parse runs shows as a change at the
     * next check instead of being lost.
     */
    public record Result(Optional<TlsPolicy> policy, List<Problem> problems, Map<Path, ContentDigest> sources) {
        public Result {
            problems = List.copyOf(problems);
            sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        }

        /** Every file read, in reading order. */
        public List<Path> files() {
            return List.copyOf(sources.keySet());
        }

        public boolean hasErrors() {
            return problems.stream().anyMatch(Problem::isError);
        }

        public List<Problem> errors() {
            return problems.stream().filter(Problem::isError).toList();
        }

        public List<Problem> warnings() {
            return problems.stream().filter(p -> !p.isError()).toList();
        }

        /** The policy, or a {@link PolicyException} listing every error. */
        public TlsPolicy policyOrThrow() throws PolicyException {
            if (policy.isEmpty()) {
                throw new PolicyException(problems);
            }
            return policy.get();
        }
    }

    /** Reads and validates {@code file} and the domain tables it names. */
    public Result parse(Path file) {
        List<Problem> problems = new ArrayList<>();
        Map<Path, ContentDigest> files = new LinkedHashMap<>();
        files.put(file, ContentDigest.ofFile(file));
        XmlElement root;
        try {
            root = XmlElement.read(file);
        } catch (NoSuchFileException e) {
            problems.add(Problem.error(file, 0, 0, "", "file not found"));
            return new Result(Optional.empty(), problems, files);
        } catch (IOException e) {
            problems.add(Problem.error(file, 0, 0, "", "cannot be read: " + e.getMessage()));
            return new Result(Optional.empty(), problems, files);
        } catch (XmlElement.MalformedException e) {
            problems.add(Problem.error(file, e.line(), e.column(), "", "not well-formed XML: " + e.getMessage()));
            return new Result(Optional.empty(), problems, files);
        }
        Run run = new Run(file, problems, files);
        Optional<TlsPolicy> policy = run.policy(root);
        boolean errors = problems.stream().anyMatch(Problem::isError);
        return new Result(errors ? Optional.empty() : policy, problems, files);
    }

    /** An element that may appear once: {@code ok} is false when it repeats or does not parse (each error recorded). */
    private record OptionalChild<T>(boolean ok, Optional<T> value) {
    }

    /** State of one parse. */
    private final class Run {
        private final Path file;
        private final XmlChecks checks;
        private final List<Problem> problems;
        private final Map<Path, ContentDigest> files;
        private final Map<String, XmlElement> connectorNames = new HashMap<>();
        private final Map<Path, XmlElement> tableFiles = new HashMap<>();
        private final Map<String, String> inboundClaims = new HashMap<>();
        private final Map<String, String> outboundClaims = new HashMap<>();
        private String nullSenderClaim;

        Run(Path file, List<Problem> problems, Map<Path, ContentDigest> files) {
            this.file = file;
            this.problems = problems;
            this.files = files;
            this.checks = new XmlChecks(file, problems);
        }

        Optional<TlsPolicy> policy(XmlElement root) {
            if (!root.name().equals(ROOT)) {
                checks.error(root, "<" + root.name() + ">", "unknown document element; accepted: <" + ROOT + ">");
                return Optional.empty();
            }
            checks.allow(root, List.of(), List.of("defaults", "connector", "domainTable"));
            List<XmlElement> defaultsElements = root.children("defaults");
            atMostOne(root, defaultsElements);
            Optional<Defaults> defaults = defaultsElements.isEmpty() ? Optional.of(Defaults.OPPORTUNISTIC) : defaults(defaultsElements.get(0));
            List<Connector> connectors = new ArrayList<>();
            for (XmlElement element : root.children("connector")) {
                connector(element).ifPresent(connectors::add);
            }
            List<DomainTable> tables = new ArrayList<>();
            for (XmlElement element : root.children("domainTable")) {
                domainTable(element).ifPresent(tables::add);
            }
            if (defaults.isEmpty() || problems.stream().anyMatch(Problem::isError)) {
                return Optional.empty();
            }
            try {
                return Optional.of(new TlsPolicy(defaults.get(), connectors, tables, clock));
            } catch (IllegalArgumentException e) {
                checks.error(root, "<" + ROOT + ">", e.getMessage());
                return Optional.empty();
            }
        }

        private Optional<Defaults> defaults(XmlElement element) {
            checks.allow(element, List.of(), List.of("inbound", "outbound"));
            InboundRequirement inbound = InboundRequirement.OPPORTUNISTIC;
            OutboundRequirement outbound = OutboundRequirement.OPPORTUNISTIC;
            List<XmlElement> inboundElements = element.children("inbound");
            List<XmlElement> outboundElements = element.children("outbound");
            // A second one would silently replace the first; each is still checked, so that every problem is reported.
            boolean ok = atMostOne(element, inboundElements) & atMostOne(element, outboundElements);
            for (XmlElement child : inboundElements) {
                checks.allow(child, List.of("requireTls", "minimumProtocol", "failure"), List.of());
                boolean requireTls = checks.parse(child, "requireTls", XmlChecks::parseBoolean).orElse(false);
                Optional<TlsProtocol> minimum = checks.parse(child, "minimumProtocol", MinimumProtocols::parse);
                Optional<Failure> failure = checks.parse(child, "failure", Failure::parse);
                ok &= attributeOk(child, "minimumProtocol", minimum) && attributeOk(child, "failure", failure);
                inbound = new InboundRequirement(requireTls, minimum.orElse(TlsProtocol.LOWEST_ACCEPTABLE), Optional.empty(), false, List.of(),
                    failure.orElse(Failure.TEMPORARY));
            }
            boolean mtaSts = false;
            for (XmlElement child : outboundElements) {
                Optional<OutboundRequirement> parsed = outboundRequirement(child, false, false);
                ok &= parsed.isPresent();
                outbound = parsed.orElse(outbound);
                Optional<Boolean> sts = checks.parse(child, "mtaSts", XmlChecks::parseBoolean);
                ok &= attributeOk(child, "mtaSts", sts);
                mtaSts = sts.orElse(false);
            }
            if (!ok) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Defaults(inbound, outbound, mtaSts));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<defaults>", e.getMessage());
                return Optional.empty();
            }
        }

        private Optional<Connector> connector(XmlElement element) {
            checks.allow(element, List.of("name", "mode", "expires"), List.of("inbound", "outbound"));
            Optional<String> name = checks.parseRequired(element, "name", "a unique name such as partner-example", Connector::requireValidName);
            Optional<Mode> mode = checks.parseRequired(element, "mode", MODES, Mode::parse);
            Optional<LocalDate> expires = checks.parse(element, "expires", PolicyFileParser::parseDate);
            boolean ok = name.isPresent() && mode.isPresent() && (expires.isPresent() || !element.attributes().containsKey("expires"));
            String label = name.orElse("?");
            if (name.isPresent()) {
                XmlElement previous = connectorNames.putIfAbsent(name.get(), element);
                if (previous != null) {
                    checks.error(element, XmlChecks.subject(element, "name"),
                        "connector name '" + name.get() + "' is already used at line " + previous.line());
                    ok = false;
                }
            }
            if (expires.isPresent() && name.isPresent()) {
                LocalDate today = LocalDate.now(clock);
                if (today.isAfter(expires.get())) {
                    checks.warning(element, XmlChecks.subject(element, "expires"),
                        "connector '" + label + "' expired on " + expires.get() + "; it no longer applies");
                } else if (!today.plusDays(EXPIRY_WARNING_DAYS).isBefore(expires.get())) {
                    checks.warning(element, XmlChecks.subject(element, "expires"),
                        "connector '" + label + "' expires on " + expires.get() + "; it stops applying after that day");
                }
            }
            List<XmlElement> inboundElements = element.children("inbound");
            List<XmlElement> outboundElements = element.children("outbound");
            ok &= atMostOne(element, inboundElements) & atMostOne(element, outboundElements);
            if (inboundElements.isEmpty() && outboundElements.isEmpty()) {
                checks.error(element, "<connector name=\"" + label + "\">", "has neither <inbound> nor <outbound>; accepted: one or both");
                ok = false;
            }
            Optional<Connector.Inbound> inbound = Optional.empty();
            if (!inboundElements.isEmpty()) {
                inbound = inbound(inboundElements.get(0), label);
                ok &= inbound.isPresent();
            }
            Optional<Connector.Outbound> outbound = Optional.empty();
            if (!outboundElements.isEmpty()) {
                outbound = connectorOutbound(outboundElements.get(0), label);
                ok &= outbound.isPresent();
            }
            if (!ok) {
                return Optional.empty();
            }
            try {
                return Optional.of(new Connector(name.get(), mode.get(), expires, inbound, outbound));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<connector name=\"" + label + "\">", e.getMessage());
                return Optional.empty();
            }
        }

        /** The {@code name} child of {@code parent} read by {@code read}, if any; not ok when it repeats or does not read. */
        private <T> OptionalChild<T> optionalChild(XmlElement parent, String name, Function<XmlElement, Optional<T>> read) {
            List<XmlElement> children = parent.children(name);
            boolean ok = atMostOne(parent, children);
            if (children.isEmpty()) {
                return new OptionalChild<>(ok, Optional.empty());
            }
            Optional<T> value = read.apply(children.get(0));
            return new OptionalChild<>(ok && value.isPresent(), value);
        }

        private boolean atMostOne(XmlElement parent, List<XmlElement> elements) {
            for (XmlElement extra : elements.subList(Math.min(1, elements.size()), elements.size())) {
                checks.error(extra, "<" + extra.name() + ">", "appears more than once in <" + parent.name() + ">; accepted: at most one");
            }
            return elements.size() <= 1;
        }

        private Optional<Connector.Inbound> inbound(XmlElement element, String connector) {
            checks.allow(element, List.of("requireTls", "minimumProtocol", "allowRelay", "nullSender", "failure"),
                List.of("senderDomain", "partnerIp", "clientCertificate"));
            Optional<Boolean> requireTls = checks.parseRequired(element, "requireTls", "true, false", XmlChecks::parseBoolean);
            Optional<TlsProtocol> minimum = checks.parse(element, "minimumProtocol", MinimumProtocols::parse);
            Optional<Boolean> allowRelay = checks.parse(element, "allowRelay", XmlChecks::parseBoolean);
            Optional<Boolean> nullSender = checks.parse(element, "nullSender", XmlChecks::parseBoolean);
            Optional<Failure> failure = checks.parse(element, "failure", Failure::parse);
            boolean ok = requireTls.isPresent()
                && attributeOk(element, "failure", failure)
                && attributeOk(element, "minimumProtocol", minimum)
                && attributeOk(element, "allowRelay", allowRelay)
                && attributeOk(element, "nullSender", nullSender);
            Optional<List<DomainPattern>> domains = claimedDomains(element, "senderDomain", connector, inboundClaims, "inbound");
            ok &= domains.isPresent();
            if (nullSender.orElse(false)) {
                if (nullSenderClaim != null) {
                    checks.error(element, XmlChecks.subject(element, "nullSender"),
                        "connectors '" + nullSenderClaim + "' and '" + connector + "' both claim the null sender <> inbound");
                    ok = false;
                } else {
                    nullSenderClaim = connector;
                }
            }
            if (!nullSender.orElse(false) && element.children("senderDomain").isEmpty()) {
                checks.error(element, "<inbound>", "needs at least one <senderDomain>");
                ok = false;
            }
            List<IpRange> ranges = new ArrayList<>();
            for (XmlElement child : element.children("partnerIp")) {
                Optional<IpRange> range = checks.parseText(child, IpRange::parse);
                ok &= range.isPresent();
                range.ifPresent(ranges::add);
            }
            OptionalChild<ClientCertificateRequirement> certificate = optionalChild(element, "clientCertificate", this::clientCertificate);
            ok &= certificate.ok();
            if (!ok) {
                return Optional.empty();
            }
            try {
                InboundRequirement requirement = new InboundRequirement(requireTls.get(),
                    minimum.orElse(TlsProtocol.LOWEST_ACCEPTABLE), certificate.value(), allowRelay.orElse(false), ranges,
                    failure.orElse(Failure.TEMPORARY));
                return Optional.of(new Connector.Inbound(domains.get(), nullSender.orElse(false), requirement));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<inbound>", e.getMessage());
                return Optional.empty();
            }
        }

        private boolean attributeOk(XmlElement element, String attribute, Optional<?> parsed) {
            return parsed.isPresent() || !element.attributes().containsKey(attribute);
        }

        /**
         * The domains of a connector's {@code <senderDomain>} or {@code <recipientDomain>} children, each claimed for
         * {@code connector} in {@code direction}; empty when one does not parse, is listed twice or is another
         * connector's (each such error is recorded).
         */
        private Optional<List<DomainPattern>> claimedDomains(XmlElement element, String childName, String connector,
                                                             Map<String, String> claims, String direction) {
            boolean ok = true;
            List<DomainPattern> domains = new ArrayList<>();
            Set<DomainPattern> seen = new LinkedHashSet<>();
            for (XmlElement child : element.children(childName)) {
                Optional<DomainPattern> pattern = checks.parseText(child, DomainPattern::parse);
                ok &= pattern.isPresent();
                if (pattern.isPresent()) {
                    ok &= claim(child, pattern.get(), connector, claims, direction, seen);
                    domains.add(pattern.get());
                }
            }
            return ok ? Optional.of(domains) : Optional.empty();
        }

        private boolean claim(XmlElement element, DomainPattern pattern, String connector, Map<String, String> claims,
                              String direction, Set<DomainPattern> seen) {
            if (!seen.add(pattern)) {
                checks.error(element, "<" + element.name() + ">", pattern + " is listed twice in connector '" + connector + "'");
                return false;
            }
            String previous = claims.putIfAbsent(pattern.toString(), connector);
            if (previous != null && !previous.equals(connector)) {
                checks.error(element, "<" + element.name() + ">", "connectors '" + previous + "' and '" + connector
                    + "' both claim " + pattern + " " + direction + "; a domain belongs to one connector per direction");
                return false;
            }
            return true;
        }

        private Optional<ClientCertificateRequirement> clientCertificate(XmlElement element) {
            checks.allow(element, List.of("revocation"), List.of("name", "issuer", "pin", "trustAnchors"));
            Optional<RevocationChecking> revocation = checks.parse(element, "revocation", RevocationChecking::parse);
            boolean ok = attributeOk(element, "revocation", revocation);
            List<CertificateName> names = new ArrayList<>();
            for (XmlElement child : element.children("name")) {
                Optional<CertificateName> name = checks.parseText(child, CertificateName::parse);
                ok &= name.isPresent();
                name.ifPresent(names::add);
            }
            if (element.children("name").isEmpty()) {
                checks.error(element, "<clientCertificate>", "needs at least one <name> (subject CN or DNS SAN, e.g. partner.example or *.partner.example)");
                ok = false;
            }
            OptionalChild<String> issuer = optionalChild(element, "issuer", child -> checks.parseText(child, PolicyFileParser::parseDn));
            ok &= issuer.ok();
            List<String> pins = pins(element);
            ok &= pins.size() == element.children("pin").size();
            OptionalChild<TrustAnchorFile> anchorFile = optionalChild(element, "trustAnchors",
                child -> checks.parseText(child, this::trustAnchorFile));
            ok &= anchorFile.ok();
            if (!ok) {
                return Optional.empty();
            }
            try {
                return Optional.of(new ClientCertificateRequirement(names, issuer.value(), pins, anchorFile.value(),
                    revocation.orElse(RevocationChecking.SOFT_FAIL)));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<clientCertificate>", e.getMessage());
                return Optional.empty();
            }
        }

        private List<String> pins(XmlElement parent) {
            List<String> pins = new ArrayList<>();
            for (XmlElement child : parent.children("pin")) {
                checks.parseText(child, ClientCertificateRequirement::requireWellFormedPin).ifPresent(pins::add);
            }
            return pins;
        }

        private TrustAnchorFile trustAnchorFile(String value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("empty; accepted: a path to a PEM file of CA certificates, relative to " + file.getFileName());
            }
            Path path = resolve(value);
            // Watched even when missing or broken, so that fixing it is seen; replaced below by the digest of
            // the very bytes the anchors come from.
            files.put(path, ContentDigest.ofFile(path));
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("trust anchor file '" + value + "' not found (looked at " + path + ")");
            }
            TrustAnchorFile anchors;
            try {
                anchors = TrustAnchorFile.read(path);
            } catch (IOException e) {
                throw new IllegalArgumentException("trust anchor file '" + value + "' is not a PEM certificate file: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("trust anchor file '" + value + "' holds no certificate; accepted: PEM CERTIFICATE blocks");
            }
            files.put(path, anchors.digest());
            return anchors;
        }

        private Path resolve(String value) {
            Path path = Path.of(value);
            Path base = file.toAbsolutePath().getParent();
            return path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
        }

        private Optional<Connector.Outbound> connectorOutbound(XmlElement element, String connector) {
            Optional<OutboundRequirement> requirement = outboundRequirement(element, true, true);
            Optional<Boolean> honourTlsRequiredNo = checks.parse(element, "honourTlsRequiredNo", XmlChecks::parseBoolean);
            boolean ok = requirement.isPresent() && attributeOk(element, "honourTlsRequiredNo", honourTlsRequiredNo);
            Optional<List<DomainPattern>> domains = claimedDomains(element, "recipientDomain", connector, outboundClaims, "outbound");
            ok &= domains.isPresent();
            if (element.children("recipientDomain").isEmpty()) {
                checks.error(element, "<outbound>", "needs at least one <recipientDomain>");
                ok = false;
            }
            if (!ok) {
                return Optional.empty();
            }
            return Optional.of(new Connector.Outbound(domains.get(), requirement.get(), honourTlsRequiredNo.orElse(false)));
        }

        private Optional<OutboundRequirement> outboundRequirement(XmlElement element, boolean inConnector, boolean levelRequired) {
            List<String> children = inConnector
                ? List.of("recipientDomain", "match", "pin", "smartHost", "trustAnchors", "clientIdentity")
                : List.of("match");
            List<String> attributes = inConnector
                ? List.of("level", "minimumProtocol", "ciphers", "excludeCiphers", "failure", "honourTlsRequiredNo")
                : List.of("level", "minimumProtocol", "ciphers", "excludeCiphers", "mtaSts");
            checks.allow(element, attributes, children);
            Optional<OutboundLevel> level = levelRequired
                ? checks.parseRequired(element, "level", LEVELS, OutboundLevel::parse)
                : checks.parse(element, "level", OutboundLevel::parse);
            Optional<TlsProtocol> minimum = checks.parse(element, "minimumProtocol", MinimumProtocols::parse);
            Optional<CipherPreset> preset = checks.parse(element, "ciphers", CipherPreset::parse);
            Optional<List<String>> exclusions = checks.parse(element, "excludeCiphers", PolicyFileParser::exclusions);
            Optional<Failure> failure = checks.parse(element, "failure", Failure::parse);
            boolean ok = (level.isPresent() || (!levelRequired && !element.attributes().containsKey("level")))
                && attributeOk(element, "minimumProtocol", minimum)
                && attributeOk(element, "ciphers", preset)
                && attributeOk(element, "excludeCiphers", exclusions)
                && attributeOk(element, "failure", failure);
            List<MatchName> match = new ArrayList<>();
            for (XmlElement child : element.children("match")) {
                Optional<MatchName> name = checks.parseText(child, MatchName::parse);
                ok &= name.isPresent();
                name.ifPresent(match::add);
            }
            List<String> pins = inConnector ? pins(element) : List.of();
            ok &= !inConnector || pins.size() == element.children("pin").size();
            List<SmartHost> hosts = new ArrayList<>();
            for (XmlElement child : inConnector ? element.children("smartHost") : List.<XmlElement>of()) {
                Optional<SmartHost> host = checks.parseText(child,
                    value -> SmartHost.parse(SystemPropertyReferences.resolve(value, systemProperties)));
                ok &= host.isPresent();
                host.ifPresent(hosts::add);
            }
            List<XmlElement> anchorElements = inConnector ? element.children("trustAnchors") : List.of();
            ok &= atMostOne(element, anchorElements);
            Optional<TrustAnchorFile> anchors = Optional.empty();
            if (anchorElements.size() == 1) {
                anchors = checks.parseText(anchorElements.get(0), this::outboundTrustAnchors);
                ok &= anchors.isPresent();
            }
            List<XmlElement> identityElements = inConnector ? element.children("clientIdentity") : List.of();
            ok &= atMostOne(element, identityElements);
            Optional<ClientIdentity> identity = Optional.empty();
            if (identityElements.size() == 1) {
                identity = clientIdentity(identityElements.get(0));
                ok &= identity.isPresent();
            }
            if (!ok) {
                return Optional.empty();
            }
            try {
                return Optional.of(new OutboundRequirement(level.orElse(OutboundLevel.MAY), match, pins,
                    minimum.orElse(TlsProtocol.LOWEST_ACCEPTABLE),
                    new CipherPolicy(preset.orElse(CipherPreset.FORWARD_SECRET), exclusions.orElse(List.of())),
                    hosts, failure.orElse(Failure.TEMPORARY), anchors, identity));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<outbound" + (level.isPresent() ? " level=\"" + level.get() + "\"" : "") + ">", e.getMessage());
                return Optional.empty();
            }
        }

        /** A rule's own anchors: read now, watched by the reload, keyed by content (file digest and certificates). */
        private TrustAnchorFile outboundTrustAnchors(String value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("empty; accepted: a path to a PEM file of CA certificates, relative to " + file.getFileName());
            }
            Path path = resolve(value);
            files.put(path, ContentDigest.ofFile(path));
            TrustAnchorFile anchors = TrustAnchorFile.read(path, value);
            files.put(path, anchors.digest());
            return anchors;
        }

        /** {@code <clientIdentity privateKey="key.pem" certificates="chain.pem"/>}: PEM only, no secret in the policy file. */
        private Optional<ClientIdentity> clientIdentity(XmlElement element) {
            checks.allow(element, List.of("privateKey", "certificates"), List.of());
            String relative = "a PEM file relative to " + file.getFileName();
            Optional<String> key = checks.required(element, "privateKey", "an unencrypted PEM private key, " + relative);
            Optional<String> chain = checks.required(element, "certificates", "PEM certificates, the client certificate first, " + relative);
            if (key.isEmpty() || chain.isEmpty()) {
                return Optional.empty();
            }
            Path keyPath = resolve(key.get());
            Path chainPath = resolve(chain.get());
            files.put(keyPath, ContentDigest.ofFile(keyPath));
            files.put(chainPath, ContentDigest.ofFile(chainPath));
            try {
                return Optional.of(ClientIdentity.fromPem(keyPath, chainPath));
            } catch (IllegalArgumentException e) {
                checks.error(element, "<clientIdentity>", e.getMessage());
                return Optional.empty();
            }
        }

        private Optional<DomainTable> domainTable(XmlElement element) {
            checks.allow(element, List.of("file", "mode"), List.of());
            Optional<String> name = checks.required(element, "file", "a path to a Postfix smtp_tls_policy_maps source file, relative to "
                + file.getFileName());
            Optional<Mode> mode = checks.parse(element, "mode", Mode::parse);
            if (name.isEmpty() || !attributeOk(element, "mode", mode)) {
                return Optional.empty();
            }
            Path path = resolve(name.get());
            XmlElement first = tableFiles.putIfAbsent(path, element);
            if (first != null) {
                // Its entries would never apply: the first table holds every key they have.
                checks.error(element, XmlChecks.subject(element, "file"), "names the same table as line " + first.line()
                    + "; accepted: each table once");
                return Optional.empty();
            }
            files.put(path, ContentDigest.ofFile(path));
            if (!Files.isRegularFile(path)) {
                checks.error(element, XmlChecks.subject(element, "file"), "domain table not found (looked at " + path + ")");
                return Optional.empty();
            }
            return PostfixPolicyTable.parse(path, mode.orElse(Mode.ENFORCE), problems, files);
        }
    }

    static LocalDate parseDate(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a date '" + value + "'; accepted: " + DATE_FORM);
        }
    }

    static String parseDn(String value) {
        try {
            return new javax.security.auth.x500.X500Principal(value).getName();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a distinguished name '" + value + "'; accepted: RFC 4514 form such as CN=Partner CA,O=Partner");
        }
    }

    static List<String> exclusions(String value) {
        List<String> result = new ArrayList<>();
        for (String token : value.trim().split("[\\s,:]+")) {
            if (!token.isEmpty()) {
                CipherPolicy.checkExclusion(token);
                result.add(token);
            }
        }
        return result;
    }
}
