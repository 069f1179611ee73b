/**
 * MTA-STS (RFC 8461): TXT discovery, the policy fetched over HTTPS, its strict parser and its cache.
 *
 * <ul>
 *   <li>{@link dev.jamestls.mtasts.StsTxtRecord}: the {@code _mta-sts} TXT record (RFC 8461 §3.1), strict,
 *       and the choice among several records;</li>
 *   <li>{@link dev.jamestls.mtasts.StsPolicyParser}: the policy body (RFC 8461 §3.2), strict, failures as
 *       {@code sts-policy-invalid} naming the line;</li>
 *   <li>{@link dev.jamestls.mtasts.HttpsStsFetcher}: the HTTPS fetch (RFC 8461 §3.3) with WebPKI validation of
 *       {@code mta-sts.<domain>}, no redirects, {@code text/plain}, a size limit and timeouts;</li>
 *   <li>{@link dev.jamestls.mtasts.CachingStsPolicySource}: discovery with the cache (RFC 8461 §5.1), kept
 *       across restarts by {@link dev.jamestls.mtasts.StsPolicyStore}.</li>
 * </ul>
 * Failures are classified once into RFC 8460 result types ({@link dev.jamestls.mtasts.StsProblem}).
 */
package dev.jamestls.mtasts;
