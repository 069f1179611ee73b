/**
 * The per-partner TLS ledger: for each partner domain, both directions, what TLS looked like (last seen, protocols and
 * cipher suites, inbound verdicts per connector, outbound results, the last failure, the client and server
 * certificates seen with their expiry) and what the TLS reports it sent us (RFC 8460 §5.3) say about our domains.
 *
 * <p>Pure and bounded: partners are capped (the least recently seen dropped first), and so is every set inside a
 * partner; every text a peer chose is escaped ({@link dev.jamestls.smtp.PeerText}) and cut to a bounded length when
 * it enters. {@link dev.jamestls.ledger.LedgerFile} keeps it across restarts; James adapters feed and show it.
 */
package dev.jamestls.ledger;
