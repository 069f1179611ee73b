package dev.jamestls.outbound;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CertificatePurpose;
import dev.jamestls.verify.CertificateRequirement;
import dev.jamestls.verify.VerifyingTrustManager.OnFailure;

/**
 * What one attempt to one host must do, per level (SPEC §1.3):
 * <table>
 * <caption>levels</caption>
 * <tr><th>level</th><th>STARTTLS</th><th>certificate requirement</th><th>enforced</th></tr>
 * <tr><td>none</td><td>never</td><td>–</td><td>–</td></tr>
 * <tr><td>may</td><td>if offered</td><td>chain + MX name, recorded</td><td>no: clear-text fallback</td></tr>
 * <tr><td>encrypt</td><td>required</td><td>chain + MX name, recorded</td><td>TLS only</td></tr>
 * <tr><td>verify</td><td>required</td><td>chain + MX name (or the {@code match} names)</td><td>yes</td></tr>
 * <tr><td>secure</td><td>required</td><td>chain + {@code match} names; the MX name is not trusted</td><td>yes</td></tr>
 * <tr><td>fingerprint</td><td>required</td><td>SPKI pins, no CA</td><td>yes</td></tr>
 * </table>
 * A rule in {@code testing} mode computes the same requirement but enforces nothing (SPEC §1.5):
 * the attempt behaves as {@code may} and the would-be verdict is recorded.
 *
 * @param level the rule's level
 * @param mode enforce or testing
 * @param startTls whether to issue STARTTLS when offered
 * @param tlsMandatory whether a message byte may only leave over TLS (enforced mandatory level)
 * @param certificate what the server certificate is checked against, empty under {@code none}
 * @param onCertificateFailure whether a failed check fails the handshake
 * @param protocols JSSE protocol names to enable, from the rule's minimum up to TLS 1.3 (RFC 8996)
 * @param ciphers the rule's cipher policy
 * @param sniHost the name sent as SNI (RFC 6066 §3): the host connected to, or under DANE the TLSA base domain
 *     (RFC 7672 §8.1)
 * @param clientIdentity the certificate presented when the destination asks for one (RFC 8446 §4.3.2); its content
 *     is part of the plan, so connections and TLS sessions are never shared between identities
 */
public record TlsPlan(OutboundLevel level, Mode mode, boolean startTls, boolean tlsMandatory,
                      Optional<CertificateRequirement> certificate, OnFailure onCertificateFailure,
                      List<String> protocols, CipherPolicy ciphers, String sniHost, Optional<ClientIdentity> clientIdentity) {

    public TlsPlan {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(onCertificateFailure, "onCertificateFailure");
        protocols = List.copyOf(protocols);
        Objects.requireNonNull(ciphers, "ciphers");
        Objects.requireNonNull(sniHost, "sniHost");
        Objects.requireNonNull(clientIdentity, "clientIdentity");
        if (tlsMandatory && !startTls) {
            throw new IllegalArgumentException("a plan cannot make TLS mandatory without STARTTLS");
        }
        if (onCertificateFailure == OnFailure.FAIL_HANDSHAKE && !tlsMandatory) {
            throw new IllegalArgumentException("certificate enforcement needs mandatory TLS: a certificate failure must not end in clear text");
        }
        for (String protocol : protocols) {
            if (!TlsProtocol.parse(protocol).isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE)) {
                throw new IllegalArgumentException("protocol " + protocol + " is never enabled (RFC 8996)");
            }
        }
    }

    /** A plan that presents no client certificate. */
    public TlsPlan(OutboundLevel level, Mode mode, boolean startTls, boolean tlsMandatory, Optional<CertificateRequirement> certificate,
                   OnFailure onCertificateFailure, List<String> protocols, CipherPolicy ciphers, String sniHost) {
        this(level, mode, startTls, tlsMandatory, certificate, onCertificateFailure, protocols, ciphers, sniHost, Optional.empty());
    }

    /** The plan for one target under a rule, without a default client identity. */
    public static TlsPlan forTarget(OutboundRequirement requirement, Mode mode, DomainName nexthop, DeliveryTarget target,
                                    List<X509Certificate> anchors) {
        return forTarget(requirement, mode, nexthop, target, anchors, Optional.empty());
    }

    /**
     * The plan for one target under a rule.
     *
     * @param requirement the rule's requirement
     * @param mode the rule's mode
     * @param nexthop the recipient domain, or the smart host for smart-host deliveries ({@code nexthop} names)
     * @param target the host connected to
     * @param defaultAnchors trust anchors for chain validation unless the rule names its own
     * @param defaultIdentity the client certificate presented unless the rule names its own
     */
    public static TlsPlan forTarget(OutboundRequirement requirement, Mode mode, DomainName nexthop, DeliveryTarget target,
                                    List<X509Certificate> defaultAnchors, Optional<ClientIdentity> defaultIdentity) {
        List<X509Certificate> anchors = requirement.trustAnchors().map(TrustAnchorFile::certificates).orElse(defaultAnchors);
        Optional<ClientIdentity> identity = requirement.clientIdentity().or(() -> defaultIdentity);
        OutboundLevel level = requirement.level();
        String host = target.host().ascii();
        List<String> protocols = protocolsFrom(requirement.minimumProtocol());
        boolean enforced = mode == Mode.ENFORCE && level.requiresTls();
        Optional<CertificateRequirement> certificate = switch (level) {
            case NONE -> Optional.empty();
            case MAY, ENCRYPT -> Optional.of(CertificateRequirement.server(anchors).withNames(host));
            case VERIFY, SECURE -> Optional.of(CertificateRequirement.server(anchors).withNames(namesChecked(requirement, nexthop, host)));
            case FINGERPRINT -> Optional.of(CertificateRequirement.pinsOnly(CertificatePurpose.SERVER_AUTH, Set.copyOf(requirement.pins())));
            case DANE, DANE_ONLY -> throw new IllegalArgumentException("level " + level
                + " is planned from the destination's TLSA records (TlsPlan.dane), or as may where there are none");
        };
        OnFailure enforcement = enforced && level.authenticates() ? OnFailure.FAIL_HANDSHAKE : OnFailure.RECORD_ONLY;
        return new TlsPlan(level, mode, level != OutboundLevel.NONE, enforced, certificate, enforcement, protocols,
            requirement.ciphers(), host, level == OutboundLevel.NONE ? Optional.empty() : identity);
    }

    /**
     * The plan for a host with usable TLSA records under DNSSEC (RFC 7672 §2.2, §3): STARTTLS mandatory, no clear-text
     * fallback, the server authenticated by the records (DANE-EE: the leaf's certificate or key; DANE-TA: a chain to
     * the published trust anchor and a name check against the MX host and the next-hop domain, RFC 7672 §3.2.2),
     * TLS 1.2 or later. A rule in {@code testing} mode records the would-be verdict and enforces nothing.
     *
     * @param requirement the rule's requirement (level {@code dane} or {@code dane-only}; its protocols, ciphers
     *     and client identity apply)
     * @param aliasTarget the end of the host's secure CNAME chain, when the host is an alias: a name the DANE-TA check
     *     also accepts (RFC 7672 §2.2.2, §3.2.2)
     * @param baseDomain the TLSA base domain (RFC 7672 §2.2.2): the alias target when the records were found there,
     *     else the host's own name; sent as SNI (RFC 7672 §8.1) and the first name the DANE-TA check accepts
     * @param tlsa the host's TLSA records, at least one usable ({@link dev.jamestls.dane.TlsaRecord#usable()})
     */
    public static TlsPlan dane(OutboundRequirement requirement, Mode mode, DomainName nexthop, DeliveryTarget target,
                               Optional<DomainName> aliasTarget, DomainName baseDomain, List<TlsaRecord> tlsa,
                               Optional<ClientIdentity> defaultIdentity) {
        if (!requirement.level().usesDane()) {
            throw new IllegalArgumentException("a DANE plan needs level dane or dane-only, not " + requirement.level());
        }
        if (!baseDomain.equals(target.host()) && !aliasTarget.equals(Optional.of(baseDomain))) {
            throw new IllegalArgumentException("the TLSA base domain " + baseDomain.ascii() + " is neither the host "
                + target.host().ascii() + " nor its alias target");
        }
        // RFC 7672 §3.2.3: the base domain first; the MX name before expansion and the next-hop domain stay accepted.
        Set<String> names = new LinkedHashSet<>(List.of(baseDomain.ascii(), target.host().ascii()));
        aliasTarget.ifPresent(name -> names.add(name.ascii()));
        names.add(nexthop.ascii());
        boolean enforced = mode == Mode.ENFORCE;
        return new TlsPlan(requirement.level(), mode, true, enforced, Optional.of(CertificateRequirement.dane(tlsa, List.copyOf(names))),
            enforced ? OnFailure.FAIL_HANDSHAKE : OnFailure.RECORD_ONLY, protocolsFrom(requirement.minimumProtocol()),
            requirement.ciphers(), baseDomain.ascii(), requirement.clientIdentity().or(() -> defaultIdentity));
    }

    /** The same host in clear text: the {@code may} fallback after a failed STARTTLS or handshake. */
    public TlsPlan clearTextFallback() {
        if (tlsMandatory) {
            throw new IllegalStateException("level " + level + " in mode " + mode + " never falls back to clear text (SPEC §2)");
        }
        return new TlsPlan(level, mode, false, false, certificate, OnFailure.RECORD_ONLY, protocols, ciphers, sniHost, clientIdentity);
    }

    /**
     * The same plan tried, recorded and not enforced, as in mode {@code testing}: STARTTLS first, the certificate checked
     * and recorded, clear text after a failed STARTTLS or handshake. For a message whose sender said
     * {@code TLS-Required: No} (RFC 8689 §4.2.2) where the rule allows that.
     */
    public TlsPlan tlsOptional() {
        return new TlsPlan(level, Mode.TESTING, startTls, false, certificate, OnFailure.RECORD_ONLY, protocols, ciphers, sniHost,
            clientIdentity);
    }

    /** Whether the certificate check was part of what the rule demands (verify, secure, fingerprint). */
    public boolean certificateRequired() {
        return level.authenticates();
    }

    /** What the rule expects, printable: level, names/pins, protocols. */
    public String describe() {
        StringBuilder text = new StringBuilder("level ").append(level);
        if (mode == Mode.TESTING) {
            text.append(" (testing)");
        }
        if (level.requiresTls()) {
            text.append(", STARTTLS required, ").append(String.join("/", protocols));
        }
        if (certificateRequired()) {
            certificate.ifPresent(c -> text.append(", ").append(c.describe()));
        }
        return text.toString();
    }

    static List<String> protocolsFrom(TlsProtocol minimum) {
        List<String> names = new ArrayList<>();
        for (TlsProtocol protocol : TlsProtocol.values()) {
            if (protocol.isAtLeast(minimum) && protocol.isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE)) {
                names.add(protocol.jsseName());
            }
        }
        return names;
    }

    /**
     * The names a {@code verify} or {@code secure} rule checks the certificate against (RFC 6125 §6), Postfix's
     * {@code smtp_tls_verify_cert_match} / {@code smtp_tls_secure_cert_match}: without {@code match} the host
     * connected to, else the match names with {@code nexthop} and {@code dot-nexthop} resolved against
     * {@code nexthop} ({@link DeliveryTarget#nexthop}: the recipient domain, or the smart host's name on a
     * smart-host route) and {@code hostname} as the host connected to.
     *
     * @param host the host connected to (the MX or smart host name), or a placeholder when describing a rule
     */
    public static List<String> namesChecked(OutboundRequirement requirement, DomainName nexthop, String host) {
        return requirement.match().isEmpty() ? List.of(host) : names(requirement.match(), nexthop, host);
    }

    private static List<String> names(List<MatchName> match, DomainName nexthop, String host) {
        Set<String> names = new LinkedHashSet<>();
        for (MatchName name : match) {
            switch (name.kind()) {
                case EXACT -> names.add(name.name().orElseThrow().ascii());
                case SUBDOMAINS -> names.add("." + name.name().orElseThrow().ascii());
                case ONE_LABEL -> names.add("*." + name.name().orElseThrow().ascii());
                case NEXTHOP -> names.add(nexthop.ascii());
                case DOT_NEXTHOP -> names.add("." + nexthop.ascii());
                // Only reachable under verify: OutboundRequirement rejects hostname under secure.
                case HOSTNAME -> names.add(host);
            }
        }
        return List.copyOf(names);
    }
}
