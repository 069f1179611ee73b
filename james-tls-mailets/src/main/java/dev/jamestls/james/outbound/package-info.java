/**
 * The SMTP client side of {@link dev.jamestls.james.mailets.TlsRemoteDelivery}: one JavaMail session per
 * attempt whose own properties carry our socket factories, a tap on the clear-text part of the
 * connection (what EHLO offered, how STARTTLS was answered; a guard that refuses to write any
 * transaction command in clear under a mandatory level, SPEC §2), and the DSN (RFC 3464). TLS contexts
 * are shared per rule and requirement so sessions resume (RFC 8446 §2.2, RFC 5077), a resumed session's
 * chain is verified again ({@link dev.jamestls.james.outbound.ClientTlsContexts}); a connection that
 * delivered stays open for reuse ({@link dev.jamestls.james.outbound.SmtpConnection}).
 */
package dev.jamestls.james.outbound;
