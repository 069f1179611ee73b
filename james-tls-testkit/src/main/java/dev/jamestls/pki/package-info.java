/**
 * Generating certificate authorities and certificates (RFC 5280 profiles)
 * with BouncyCastle, and writing them as PEM files or PKCS#12 key stores. Used
 * for the sandbox's demo PKI and by every test that needs a real chain: CA,
 * intermediate, leaf, and the expired / wrong-name / wrong-EKU / revoked
 * variants. Nothing here is meant for a production CA.
 */
package dev.jamestls.pki;
