package dev.jamestls.policy.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.CipherPreset;
import dev.jamestls.policy.ContentDigest;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.DomainTable;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.MinimumProtocols;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.TableEntry;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.tls.TlsProtocol;

/**
 * Reads a domain table in Postfix {@code smtp_tls_policy_maps} source syntax
 * (postmap(1) "text" format, as Postfix's TLS_README documents it):
 * <pre>
 * # comment
 * partner.example        secure match=mail.partner.example:.partner.example
 * .partner.example       encrypt protocols=&gt;=TLSv1.2
 * pinned.example         fingerprint
 *     match=r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=
 * </pre>
 * A logical line starts with non-whitespace; lines starting with whitespace
 * continue it; lines whose first non-blank character is {@code #}, and blank
 * lines, are ignored. Deviations from Postfix, each reported as an error naming
 * the line rather than silently accepted: the attributes
 * {@code servername}, {@code connection_reuse}, {@code enable_rpk}, next-hop keys {@code [host]} and
 * {@code [host]:port} (the table is looked up by recipient domain only; a smart host's level is a connector's), hex
 * fingerprints (we pin SPKI SHA-256 in base64, RFC 7469), cipher grades
 * {@code low}/{@code export}/{@code null}, protocol upper bounds.
 * Postfix defaults that we keep: {@code secure} without {@code match} means
 * {@code match=nexthop:dot-nexthop}.
 * <p>
 * {@code tafile=cas.pem}: the entry's own trust anchors instead of the delivery's default ones (Postfix 2.11
 * {@code tafile}); one PEM file of CA certificates per entry, relative to the table's directory. Postfix also
 * accepts several files and bare public keys: both are errors here, naming the line.
 */
public final class PostfixPolicyTable {
    private static final String LEVELS = OutboundLevel.accepted();
    private static final String ATTRIBUTES = "match, protocols, ciphers, exclude, tafile";
    private static final String KEYS = "accepted keys: domain (a recipient domain), .domain (every name below it)";
    private static final List<String> UNSUPPORTED_ATTRIBUTES = List.of("servername", "connection_reuse", "enable_rpk");
    private static final List<String> POSTFIX_PROTOCOLS = List.of("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");

    private PostfixPolicyTable() {
    }

    /**
     * Parses {@code file}; problems are appended to {@code problems}. The table is returned when the file
     * had no error.
     */
    public static Optional<DomainTable> parse(Path file, Mode mode, List<Problem> problems) {
        return parse(file, mode, problems, new java.util.LinkedHashMap<>());
    }

    /**
     * As {@link #parse(Path, Mode, List)}; every trust-anchor file the entries name is added to {@code files} with the
     * digest of the bytes that were read
     * (the policy reload watches them).
     */
    public static Optional<DomainTable> parse(Path file, Mode mode, List<Problem> problems, Map<Path, ContentDigest> files) {
        int before = errorCount(problems);
        DomainTable.Builder builder = DomainTable.builder(file.getFileName().toString());
        Map<OutboundRequirement, OutboundRequirement> shared = new HashMap<>();
        Map<String, Integer> keyLines = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            StringBuilder logical = null;
            int logicalLine = 0;
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String stripped = line.strip();
                if (stripped.isEmpty() || stripped.startsWith("#")) {
                    continue;
                }
                if (Character.isWhitespace(line.charAt(0))) {
                    if (logical == null) {
                        problems.add(Problem.error(file, number, 1, "line " + number,
                            "continuation line without a preceding entry; an entry starts in the first column"));
                    } else {
                        logical.append(' ').append(stripped);
                    }
                    continue;
                }
                if (logical != null) {
                    entry(file, logicalLine, logical.toString(), mode, builder, shared, keyLines, problems, files);
                }
                logical = new StringBuilder(stripped);
                logicalLine = number;
            }
            if (logical != null) {
                entry(file, logicalLine, logical.toString(), mode, builder, shared, keyLines, problems, files);
            }
        } catch (IOException e) {
            problems.add(Problem.error(file, 0, 0, "", "cannot be read: " + e.getMessage()));
        }
        return errorCount(problems) > before ? Optional.empty() : Optional.of(builder.build());
    }

    private static int errorCount(List<Problem> problems) {
        return (int) problems.stream().filter(Problem::isError).count();
    }

    private static void entry(Path file, int line, String text, Mode mode, DomainTable.Builder builder,
                              Map<OutboundRequirement, OutboundRequirement> shared, Map<String, Integer> keyLines,
                              List<Problem> problems, Map<Path, ContentDigest> files) {
        List<String> tokens;
        try {
            tokens = tokens(text);
        } catch (IllegalArgumentException e) {
            problems.add(Problem.error(file, line, 1, "line " + line, e.getMessage()));
            return;
        }
        String key = tokens.get(0);
        String subject = "entry '" + key + "'";
        if (tokens.size() < 2) {
            problems.add(Problem.error(file, line, 1, subject, "no level; accepted: " + LEVELS));
            return;
        }
        if (key.startsWith("[")) {
            // Postfix looks next hops up as [host]:port; we look the table up by recipient domain only, so such an
            // entry would never apply. Refused before its attributes are read (a tafile is not loaded for nothing).
            problems.add(Problem.error(file, line, 1, subject, "next-hop entries ([host], [host]:port) are not supported: the keys are"
                + " recipient domains; " + KEYS + ". A smart host's level goes in a connector: <outbound level=...> with <recipientDomain>"
                + " and <smartHost>"));
            return;
        }
        try {
            OutboundRequirement requirement = requirement(tokens.subList(1, tokens.size()), file, files);
            requirement = shared.computeIfAbsent(requirement, r -> r);
            String table = builderName(builder);
            Optional<TableEntry> previous;
            String normalised;
            if (key.startsWith(".")) {
                DomainName parent = keyDomain(key.substring(1), key);
                normalised = "." + parent.ascii();
                previous = builder.addSubdomains(parent, new TableEntry(key, mode, requirement, table, line));
            } else {
                if (key.contains(":")) {
                    throw new IllegalArgumentException("not a table key; " + KEYS);
                }
                DomainName domain = keyDomain(key, key);
                normalised = domain.ascii();
                // Share the normalised string when the key was written normalised (the usual case).
                String stored = normalised.equals(key) ? normalised : key;
                previous = builder.addExact(domain, new TableEntry(stored, mode, requirement, table, line));
            }
            Integer firstLine = keyLines.putIfAbsent(normalised, line);
            if (previous.isPresent()) {
                problems.add(Problem.error(file, line, 1, subject, "duplicate key; first defined at line " + firstLine));
            }
        } catch (IllegalArgumentException e) {
            problems.add(Problem.error(file, line, 1, subject, e.getMessage()));
        }
    }

    private static String builderName(DomainTable.Builder builder) {
        return builder.name();
    }

    private static DomainName keyDomain(String name, String key) {
        if (name.startsWith("*")) {
            throw new IllegalArgumentException("not a table key '" + key + "'; Postfix tables write subdomains as .domain, not *.domain");
        }
        try {
            return DomainName.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a table key: " + e.getMessage() + "; " + KEYS);
        }
    }

    private static OutboundRequirement requirement(List<String> tokens, Path table, Map<Path, ContentDigest> files) {
        OutboundLevel level = level(tokens.get(0));
        List<MatchName> match = new ArrayList<>();
        List<String> pins = new ArrayList<>();
        TlsProtocol minimum = TlsProtocol.LOWEST_ACCEPTABLE;
        CipherPreset preset = CipherPreset.FORWARD_SECRET;
        List<String> exclusions = new ArrayList<>();
        boolean sawMatch = false;
        Optional<TrustAnchorFile> anchors = Optional.empty();
        for (String token : tokens.subList(1, tokens.size())) {
            int equals = token.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("expected name=value after the level, found '" + token + "'; accepted attributes: " + ATTRIBUTES);
            }
            String name = token.substring(0, equals).strip();
            String value = token.substring(equals + 1).strip();
            switch (name) {
                case "match" -> {
                    sawMatch = true;
                    if (level == OutboundLevel.FINGERPRINT) {
                        pins.addAll(fingerprints(value));
                    } else {
                        for (String part : value.split(":")) {
                            if (!part.isEmpty()) {
                                match.add(MatchName.parse(part));
                            }
                        }
                    }
                }
                case "protocols" -> minimum = minimumProtocol(value);
                case "ciphers" -> preset = cipherGrade(value);
                case "exclude" -> exclusions.addAll(PolicyFileParser.exclusions(value));
                case "tafile" -> {
                    if (anchors.isPresent()) {
                        throw new IllegalArgumentException("tafile given twice; accepted: one PEM file of CA certificates per entry");
                    }
                    anchors = Optional.of(trustAnchors(value, table, files));
                }
                default -> {
                    if (UNSUPPORTED_ATTRIBUTES.contains(name)) {
                        throw new IllegalArgumentException("attribute '" + name + "' is not supported; accepted: " + ATTRIBUTES);
                    }
                    throw new IllegalArgumentException("unknown attribute '" + name + "'; accepted: " + ATTRIBUTES);
                }
            }
        }
        if (level == OutboundLevel.SECURE && !sawMatch) {
            // Postfix default for secure: smtp_tls_secure_cert_match = nexthop, dot-nexthop.
            match.add(MatchName.parse("nexthop"));
            match.add(MatchName.parse("dot-nexthop"));
        }
        return new OutboundRequirement(level, match, pins, minimum, new CipherPolicy(preset, exclusions), List.of(), Failure.TEMPORARY,
            anchors, Optional.empty());
    }

    private static TrustAnchorFile trustAnchors(String value, Path table, Map<Path, ContentDigest> files) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("tafile is empty; accepted: a PEM file of CA certificates, relative to the table's directory");
        }
        Path path = Path.of(value);
        Path base = table.toAbsolutePath().getParent();
        Path resolved = path.isAbsolute() || base == null ? path : base.resolve(path).normalize();
        // Watched even when it does not load, so that the fix is picked up by the reload.
        files.put(resolved, ContentDigest.ofFile(resolved));
        TrustAnchorFile anchors = TrustAnchorFile.read(resolved, value);
        files.put(resolved, anchors.digest());
        return anchors;
    }

    private static OutboundLevel level(String value) {
        try {
            return OutboundLevel.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown level '" + value + "'; accepted: " + LEVELS);
        }
    }

    private static List<String> fingerprints(String value) {
        List<String> pins = new ArrayList<>();
        for (String part : value.split("\\|")) {
            String pin = part.strip();
            if (pin.matches("([0-9A-Fa-f]{2}:)+[0-9A-Fa-f]{2}")) {
                throw new IllegalArgumentException("hex fingerprint '" + pin + "' is not supported; accepted: base64 SPKI SHA-256 pins"
                    + " (RFC 7469 §2.4), e.g. from 'openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64'");
            }
            if (!pin.isEmpty()) {
                pins.add(dev.jamestls.policy.ClientCertificateRequirement.requireWellFormedPin(pin));
            }
        }
        return pins;
    }

    /**
     * Postfix protocol syntax: {@code >=TLSv1.2}, or exclusions {@code !SSLv3:!TLSv1:!TLSv1.1}, or inclusions
     * {@code TLSv1.2:TLSv1.3}; separators colon, comma or (inside braces) whitespace. We only have a minimum:
     * an upper bound or a hole is an error.
     */
    static TlsProtocol minimumProtocol(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split("[\\s,:]+")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("protocols is empty; accepted: >=TLSv1.2, >=TLSv1.3, or exclusions such as !TLSv1:!TLSv1.1");
        }
        boolean[] allowed = new boolean[POSTFIX_PROTOCOLS.size()];
        boolean inclusions = parts.stream().anyMatch(p -> !p.startsWith("!") && !p.startsWith(">=") && !p.startsWith("<="));
        java.util.Arrays.fill(allowed, !inclusions);
        for (String part : parts) {
            if (part.startsWith("<=")) {
                throw new IllegalArgumentException("protocol upper bound '" + part + "' is not supported; we configure a minimum only");
            }
            boolean exclude = part.startsWith("!");
            boolean atLeast = part.startsWith(">=");
            String name = exclude ? part.substring(1) : atLeast ? part.substring(2) : part;
            int index = POSTFIX_PROTOCOLS.indexOf(name);
            if (index < 0) {
                throw new IllegalArgumentException("unknown protocol '" + name + "' in protocols=" + value
                    + "; accepted: " + String.join(", ", POSTFIX_PROTOCOLS));
            }
            if (atLeast) {
                for (int i = 0; i < index; i++) {
                    allowed[i] = false;
                }
            } else {
                allowed[index] = !exclude;
            }
        }
        int lowest = -1;
        for (int i = 0; i < allowed.length; i++) {
            if (allowed[i]) {
                lowest = i;
                break;
            }
        }
        if (lowest < 0) {
            throw new IllegalArgumentException("protocols=" + value + " allows no protocol");
        }
        String name = POSTFIX_PROTOCOLS.get(lowest);
        if (lowest < POSTFIX_PROTOCOLS.indexOf("TLSv1.2")) {
            // RFC 8996: SSL, TLS 1.0 and TLS 1.1 are never allowed; checked before anything else.
            throw new IllegalArgumentException("protocols=" + value + " allows " + name
                + "; SSL and TLS 1.0/1.1 are never allowed (RFC 8996); exclude them or write >=TLSv1.2");
        }
        for (int i = lowest; i < allowed.length; i++) {
            if (!allowed[i]) {
                throw new IllegalArgumentException("protocols=" + value + " excludes " + POSTFIX_PROTOCOLS.get(i)
                    + " above the lowest allowed " + name + "; we configure a minimum only");
            }
        }
        return MinimumProtocols.parse(name);
    }

    /** Postfix cipher grades, mapped to our presets; our preset names are accepted as well. */
    static CipherPreset cipherGrade(String value) {
        return switch (value) {
            case "high" -> CipherPreset.FORWARD_SECRET; // stricter than OpenSSL HIGH: forward secrecy only (SPEC §1.3)
            case "medium" -> CipherPreset.COMPATIBLE;
            case "low", "export", "null" -> throw new IllegalArgumentException("cipher grade '" + value
                + "' is not supported: it allows broken or unauthenticated ciphers; accepted: high, medium, " + CipherPreset.accepted());
            default -> {
                try {
                    yield CipherPreset.parse(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown cipher grade '" + value + "'; accepted: high, medium, " + CipherPreset.accepted());
                }
            }
        };
    }

    /** Whitespace-separated tokens; {@code { name = value with spaces }} is one token {@code name=value with spaces} (Postfix 3.x). */
    static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '{') {
                int close = text.indexOf('}', i);
                if (close < 0) {
                    throw new IllegalArgumentException("'{' without a matching '}'");
                }
                String inner = text.substring(i + 1, close).strip();
                int equals = inner.indexOf('=');
                tokens.add(equals < 0 ? inner : inner.substring(0, equals).strip() + "=" + inner.substring(equals + 1).strip());
                i = close + 1;
            } else {
                int end = i;
                while (end < text.length() && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                tokens.add(text.substring(i, end));
                i = end;
            }
        }
        return tokens;
    }
}
