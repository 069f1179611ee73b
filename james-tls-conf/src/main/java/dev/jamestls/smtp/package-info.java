/**
 * SMTP reply codes (RFC 5321 §4.2) and enhanced status codes (RFC 3463,
 * registry of RFC 5248) that james-tls answers with, as named constants.
 */
package dev.jamestls.smtp;
