/**
 * Certificate expiry watch: our listeners' certificates and the partner and destination certificates we
 * have seen, kept by the SHA-256 of their DER encoding (RFC 5280 §4.1.2.5 {@code notAfter}), with the
 * warnings due at 30, 14 and 7 days before expiry, each at most once per certificate, and the days left of
 * each for a gauge. Pure: time is an injected {@link java.time.Clock}; logging and metrics are the James
 * adapter's ({@code dev.jamestls.james.expiry}).
 */
package dev.jamestls.expiry;
