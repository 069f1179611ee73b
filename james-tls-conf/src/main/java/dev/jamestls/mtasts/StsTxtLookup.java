package dev.jamestls.mtasts;

import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.policy.DomainName;

/**
 * The DNS question of MTA-STS discovery: the TXT records at {@code _mta-sts.<domain>} (RFC 8461 §3.1), each
 * record's strings joined. The owner name begins with an underscore, which a {@link DomainName} does not hold,
 * so the lookup takes the policy domain and the resolver adds the label (as a TLSA lookup adds
 * {@code _port._tcp}). Never throws for DNS trouble: that is a failed answer.
 */
@FunctionalInterface
public interface StsTxtLookup {
    /** The label in front of the policy domain (RFC 8461 §3.1). */
    String LABEL = "_mta-sts";

    DnsAnswer<String> stsTxt(DomainName policyDomain);
}
