/**
 * Importer for the EFF STARTTLS-Everywhere policy list (format
 * {@code policy-0.1}, see its RULES.md): mail domains with expected MX
 * patterns and a mode, turned into a domain table of {@code secure} entries
 * (an MTA-STS-like rule, RFC 8461 §4.1 for the MX pattern semantics).
 */
package dev.jamestls.policy.eff;
