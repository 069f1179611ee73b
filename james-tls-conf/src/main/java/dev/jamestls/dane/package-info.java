/**
 * DANE for SMTP (RFC 7672, with RFC 6698, RFC 7671, RFC 7218): TLSA records and how a server's
 * chain is matched against them.
 */
package dev.jamestls.dane;
