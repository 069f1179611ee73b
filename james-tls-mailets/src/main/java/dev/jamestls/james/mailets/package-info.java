/**
 * Mailets for {@code mailetcontainer.xml}: header stamping from TLS facts,
 * pipeline-level policy enforcement and policy-aware delivery.
 */
package dev.jamestls.james.mailets;
