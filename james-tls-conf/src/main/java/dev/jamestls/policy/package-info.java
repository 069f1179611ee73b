/**
 * The TLS policy model: connectors (Exchange-style partner objects with an
 * inbound and an outbound part), defaults, domain tables (Postfix
 * {@code smtp_tls_policy_maps} semantics) and the one place where precedence
 * is decided ({@link dev.jamestls.policy.TlsPolicy}). Immutable records,
 * validated in their compact constructors; enums carry their configuration
 * spelling. Outbound levels follow SPEC §1 (Postfix names); TLS 1.0/1.1 can
 * never be configured (RFC 8996). No James imports.
 */
package dev.jamestls.policy;
