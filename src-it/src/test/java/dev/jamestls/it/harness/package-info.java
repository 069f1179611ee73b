/**
 * The integration harness: an in-process James 3.8.1 memory server with a
 * per-test conf folder, a PKI generated at test time, a fake DNS that only
 * knows loopback, SMTP clients (plain, STARTTLS, implicit TLS, with or without
 * a client certificate) and a probe to read mail repositories.
 */
package dev.jamestls.it.harness;
