/**
 * SMTP reply codes (RFC 5321 §4.2) and enhanced status codes (RFC 3463,
 * registry of RFC 5248) that james-tls answers with, as named constants;
 * replies kept to one printable line within RFC 5321 §4.5.3.1.5's 512 octets;
 * and {@link dev.jamestls.smtp.PeerText}, the one escaping of text a peer chose
 * before it reaches a log line or a header.
 */
package dev.jamestls.smtp;
