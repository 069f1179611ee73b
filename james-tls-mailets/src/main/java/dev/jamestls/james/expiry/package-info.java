/**
 * The certificate expiry watch in a running James: a startable that reads the certificates of every TLS
 * listener ({@code smtpserver.xml}, {@code tls-smtpserver.xml}), publishes their days left as gauges of
 * James's metrics and logs a warning at 30, 14 and 7 days before each expires (RFC 5280 §4.1.2.5
 * {@code notAfter}). The decisions are {@link dev.jamestls.expiry.ExpiryWatch}'s.
 */
package dev.jamestls.james.expiry;
