package dev.jamestls.outbound;

import java.util.List;

import dev.jamestls.policy.DomainName;

/** The DNS questions target selection asks: injected, so tests never query a real resolver. */
@FunctionalInterface
public interface DestinationDns {
    /**
     * MX host names of {@code domain}, most preferred first (RFC 5321 §5.1); empty when the domain has none.
     *
     * @throws DnsLookupException when the lookup itself fails (temporary)
     */
    List<String> mxHosts(DomainName domain) throws DnsLookupException;

    /** A failed DNS lookup: temporary, the mail is retried. */
    final class DnsLookupException extends Exception {
        private static final long serialVersionUID = 1L;

        public DnsLookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
