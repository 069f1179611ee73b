/**
 * Mailets for {@code mailetcontainer.xml}: header stamping from TLS facts,
 * pipeline-level policy enforcement, policy-aware delivery and receiving
 * TLS reports (RFC 8460 §5.3).
 */
package dev.jamestls.james.mailets;
