/**
 * Certificate verification core, for both directions: partner client
 * certificates (inbound, RFC 5280 path validation plus EKU {@code clientAuth})
 * and server certificates of outbound deliveries (EKU {@code serverAuth},
 * RFC 9525 / RFC 6125 name checks, pins for the {@code fingerprint} level,
 * DANE TLSA records, RFC 7672).
 *
 * <p>A {@link dev.jamestls.verify.CertificateRequirement} says what is
 * expected; {@link dev.jamestls.verify.CertificateVerifier} checks a presented
 * chain against it at the injected clock's time and returns a typed
 * {@link dev.jamestls.verify.VerificationOutcome} whose
 * {@link dev.jamestls.verify.VerificationKind} carries the temporary flag and
 * the RFC 8460 result type; {@link dev.jamestls.verify.PkixFailures} is the one
 * place where JDK/JSSE exceptions become kinds. Caching lives apart, in
 * {@link dev.jamestls.verify.CachingCertificateVerifier}; the JSSE adapter is
 * {@link dev.jamestls.verify.VerifyingTrustManager}.
 */
package dev.jamestls.verify;
