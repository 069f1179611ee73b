/**
 * DNS lookups with their DNSSEC status (RFC 4033-4035), through dnsjava's validating resolver against
 * a configured recursive resolver and trust anchor, with a bounded cache honouring TTLs.
 */
package dev.jamestls.dns;
