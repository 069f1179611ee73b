/**
 * An SMTP listener that asks for a TLS client certificate without requiring
 * one ("certificate wanted", RFC 8446 §4.3.2 CertificateRequest answered with
 * an empty Certificate message, RFC 5246 §7.4.6 likewise), so port 25 keeps
 * serving ordinary senders while partners prove who they are. JSSE only
 * records the presented chain; the partner rules verify it per connector.
 * James's own {@code <clientAuth>} can only require a certificate for a whole
 * listener, which is why this listener exists.
 */
package dev.jamestls.james.listener;
