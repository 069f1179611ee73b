/**
 * The sender's own TLS demand on one message (RFC 8689 REQUIRETLS and {@code TLS-Required: No}): the
 * REQUIRETLS service extension as a receiving server offers it (§2), the strict reading of the
 * {@code TLS-Required} header field (§3), and which of the two a received message carries (§4.1).
 */
package dev.jamestls.requiretls;
