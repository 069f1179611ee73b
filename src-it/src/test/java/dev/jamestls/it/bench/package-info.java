/**
 * Load harness (a benchmark, not a test): SMTP transaction throughput over
 * STARTTLS against real in-process James 3.8.1 servers on loopback, James
 * without vs with the james-tls hooks, and the handshake-inclusive
 * transaction rate with vs without a partner client certificate;
 * and outbound deliveries per second, {@code TlsRemoteDelivery} at {@code verify}
 * vs stock {@code RemoteDelivery} with {@code startTLS=true} (
 * {@code OutboundDeliveryBenchmark}, {@code docs/outbound.md}), and the same mailet
 * to a destination under a connector vs destinations authenticated by DANE and
 * MTA-STS with their lookups cached ({@code PublishedPolicyBenchmark}).
 * Run with {@code mvn -B -pl src-it -am -Pbench process-test-classes}; see
 * {@code docs/benchmarks.md}. No class here matches surefire's test patterns.
 */
package dev.jamestls.it.bench;
