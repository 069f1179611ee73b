/**
 * The integration harness: an in-process James 3.8.1 memory server with a
 * per-test conf folder, a PKI generated at test time, a fake DNS that only
 * knows loopback, SMTP clients (plain, STARTTLS, implicit TLS, with or without
 * a client certificate), a probe to read mail repositories, and writers of the
 * test's {@code tls-policy.xml} ({@link dev.jamestls.it.harness.PolicyXml}) and
 * {@code TlsRemoteDelivery} mailets ({@link dev.jamestls.it.harness.TlsRemoteDeliveryXml}).
 */
package dev.jamestls.it.harness;
