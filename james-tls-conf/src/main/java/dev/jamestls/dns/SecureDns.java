package dev.jamestls.dns;

import java.net.InetAddress;
import java.util.Optional;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.policy.DomainName;

/**
 * DNS questions answered with their DNSSEC status, as DANE (RFC 7672 §2.1) and MTA-STS (RFC 8461 §3.1)
 * need them. Implementations never throw for DNS trouble: a failure is a {@link DnssecStatus#FAILED} answer.
 */
public interface SecureDns {
    /** MX records of {@code domain}, in preference order. */
    DnsAnswer<MxRecord> mx(DomainName domain);

    /**
     * A and AAAA addresses of {@code host}; the status is the weaker of the two lookups (RFC 7672 §2.2.2:
     * TLSA records of a host are looked up only when its addresses are secure).
     */
    DnsAnswer<InetAddress> addresses(DomainName host);

    /**
     * The name {@code host}'s address records belong to at the end of its CNAME chain, when {@code host} is an alias
     * and the whole chain is DNSSEC-secure: the TLSA base domain to ask first (RFC 7672 §2.2.2). Empty when
     * {@code host} is no alias or the chain is not secure: then {@code host} itself is the only TLSA base domain.
     */
    Optional<DomainName> secureAliasTarget(DomainName host);

    /** TLSA records at {@code _port._tcp.host} (RFC 6698 §3, RFC 7672 §2.2.3). */
    DnsAnswer<TlsaRecord> tlsa(DomainName host, int port);

    /** TXT records of {@code name}, each record's strings joined without separator (RFC 8461 §3.1). */
    DnsAnswer<String> txt(DomainName name);

    /**
     * TXT records at an underscored name below {@code domain} (RFC 8552 §2), which a {@link DomainName} cannot
     * hold: {@code txt("_mta-sts", domain)} for MTA-STS (RFC 8461 §3.1), {@code txt("_smtp._tls", domain)}
     * for TLS reporting (RFC 8460 §3). Each record's strings joined without separator.
     *
     * @param underscoredLabels one or more labels, each starting with {@code _}, e.g. {@code _mta-sts}
     * @throws IllegalArgumentException when a label does not start with {@code _} or holds other than
     *     letters, digits, hyphens
     */
    DnsAnswer<String> txt(String underscoredLabels, DomainName domain);
}
