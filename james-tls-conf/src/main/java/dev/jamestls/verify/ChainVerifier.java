package dev.jamestls.verify;

import java.security.cert.X509Certificate;
import java.util.List;

/** Verifies a presented chain (leaf first, as received) against a requirement. Never throws for bad input. */
public interface ChainVerifier {
    VerificationOutcome verify(List<X509Certificate> presentedChain, CertificateRequirement requirement);
}
