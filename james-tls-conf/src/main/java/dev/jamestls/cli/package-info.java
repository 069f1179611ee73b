/**
 * The administrator's command line, {@code java -jar james-tls.jar}: {@code check}
 * validates a James conf directory, {@code explain} shows which TLS rule applies
 * to a sender or recipient and why. Exit codes: 0 clean, 1 errors, 2 usage.
 */
package dev.jamestls.cli;
