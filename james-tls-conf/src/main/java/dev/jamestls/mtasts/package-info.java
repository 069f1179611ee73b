/**
 * MTA-STS (RFC 8461): TXT discovery, the policy fetched over HTTPS, its strict parser and its cache.
 */
package dev.jamestls.mtasts;
