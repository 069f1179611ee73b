/**
 * TLS facts of one SMTP session: negotiated protocol and cipher, how TLS was
 * entered (STARTTLS, RFC 3207, or implicit TLS, RFC 8314), and the facts of the
 * peer's certificate chain (RFC 5280 fields, SPKI SHA-256 pins as in RFC 7469
 * §2.4), and names in a presented certificate that no partner certificate
 * carries (control characters, {@link dev.jamestls.tls.CertificateText}). Pure value types, no James
 * imports; the James adapters translate these to and from mail attributes.
 * {@link dev.jamestls.tls.ClientIdentity} is the certificate we present when a destination asks for one
 * (RFC 8446 §4.3.2), compared by content. {@link dev.jamestls.tls.PemFiles} reads and writes the
 * certificates, keys and CRLs of these (PEM, RFC 7468).
 */
package dev.jamestls.tls;
