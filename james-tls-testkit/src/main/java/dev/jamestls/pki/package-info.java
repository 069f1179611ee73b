/**
 * Generating certificate authorities and certificates (RFC 5280 profiles)
 * with BouncyCastle, OCSP responses, and PKCS#12 key stores and JSSE contexts
 * made of them. Used
 * for the sandbox's demo PKI and by every test that needs a real chain: CA,
 * intermediate, leaf, and the expired / wrong-name / wrong-EKU / revoked
 * variants. Nothing here is meant for a production CA, and none of it ships:
 * it is the test kit (module james-tls-testkit), outside the drop-in jar and
 * james-tls.jar. PEM files are read and written by
 * {@code dev.jamestls.tls.PemFiles} in james-tls-conf.
 */
package dev.jamestls.pki;
