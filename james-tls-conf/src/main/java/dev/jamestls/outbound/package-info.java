/**
 * Outbound delivery under a per-destination TLS rule (SPEC §1.2, §1.3, §2, §3), pure:
 * which hosts to try ({@link dev.jamestls.outbound.TargetSelection}: smart hosts, else MX
 * in preference order, else the domain's address, RFC 5321 §5.1), what TLS an attempt
 * must achieve per level ({@link dev.jamestls.outbound.TlsPlan}), how an attempt is
 * classified into a typed outcome with its RFC 8460 §4.3 result type
 * ({@link dev.jamestls.outbound.AttemptClassifier}), what the whole delivery becomes
 * ({@link dev.jamestls.outbound.DeliveryDecision}) and the DSN status and text
 * (RFC 3463 §3.8 4.7.5, RFC 7372 §3 5.7.10). Kept apart from that pure code: the bounded idle
 * connection pool ({@link dev.jamestls.outbound.ConnectionPool}, limits and idle timeout in
 * {@link dev.jamestls.outbound.ConnectionReuse}) and the default client identity read again when its
 * files' content changes ({@link dev.jamestls.outbound.ReloadingClientIdentity}). The EHLO name
 * ({@link dev.jamestls.outbound.HeloName}, RFC 5321 §4.1.1.1). The James mailet is a thin adapter.
 */
package dev.jamestls.outbound;
