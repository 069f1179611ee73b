/**
 * The administrator's command line, {@code java -jar james-tls.jar}: {@code check}
 * validates a James conf directory, {@code explain} shows which TLS rule applies
 * to a sender or recipient and why, {@code facts} prints our certificate facts for
 * partners (table, JSON, Markdown), {@code revocation-check} asks our CRL and OCSP
 * endpoints, {@code probe} says which outbound levels a partner's MX hosts would
 * pass. The work is done in {@link dev.jamestls.admin} and the verification core;
 * this package parses options and prints. Exit codes: 0 clean, 1 errors, 2 usage.
 */
package dev.jamestls.cli;
