/**
 * Inbound enforcement (SPEC §1.2, §2, §3): given the rule that applies to a
 * sender domain and the TLS facts of the SMTP session, decide whether the mail
 * complies and, if not, with which reply the SMTP dialogue refuses it
 * (RFC 3207 §4, RFC 3463). Pure: the SMTP hooks and the after-DATA mailet are
 * thin adapters over {@link dev.jamestls.inbound.InboundEvaluator}.
 */
package dev.jamestls.inbound;
