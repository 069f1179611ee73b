/**
 * SMTP hooks for James's {@code smtpserver.xml} handler chain. They read the
 * SMTP session (RFC 5321) and its TLS state (RFC 3207 STARTTLS, RFC 8314
 * implicit TLS) and hand plain facts to the core in {@code dev.jamestls.tls}
 * and {@code dev.jamestls.policy}.
 */
package dev.jamestls.james.smtp;
