/**
 * The sender's own TLS demand on one message (RFC 8689 REQUIRETLS and {@code TLS-Required: No}).
 */
package dev.jamestls.requiretls;
