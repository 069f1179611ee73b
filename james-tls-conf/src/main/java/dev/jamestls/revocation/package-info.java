/**
 * Certificate revocation status (RFC 5280 §5 and §6.3 CRLs, RFC 6960 OCSP):
 * fetching CRLs from the CRL distribution point and asking the OCSP responder
 * named in authorityInfoAccess over HTTP (short timeouts, size limit, http and
 * https only), verifying what comes back, and caching it until its
 * {@code nextUpdate}.
 *
 * <p>Order: OCSP first (one small signed answer per certificate), then CRLs.
 * A definitive OCSP answer (good or revoked) decides; otherwise the CRLs of the
 * distribution points (plus any locally configured CRLs) are processed with the
 * JDK's RFC 5280 §6.3 CRL algorithm (scope, indirect and delta CRLs, CRL signer
 * certificates), after our own freshness checks. Pure parse/verify code
 * ({@link dev.jamestls.revocation.OcspResponseVerifier},
 * {@link dev.jamestls.revocation.CrlFreshness}) is kept apart from fetching
 * ({@link dev.jamestls.revocation.HttpFetcher}) and caching
 * ({@link dev.jamestls.revocation.RevocationCache}). {@link dev.jamestls.revocation.RevocationEndpoints}
 * asks every endpoint of one chain and reports each answer ({@code james-tls.jar revocation-check}, and the
 * periodic check of our own listeners' certificates).
 */
package dev.jamestls.revocation;
