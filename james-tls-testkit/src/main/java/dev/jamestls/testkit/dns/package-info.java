/**
 * DNSSEC test fixtures: a signed test DNS tree with its own root trust anchor ({@link
 * dev.jamestls.testkit.dns.SignedZones}, RFC 4033-4035) and a loopback server that answers from it as a
 * recursive resolver would ({@link dev.jamestls.testkit.dns.LoopbackDnsServer}). Test kit only: never in
 * the drop-in jar or james-tls.jar, and nothing here reaches a real resolver.
 */
package dev.jamestls.testkit.dns;
