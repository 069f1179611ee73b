package dev.jamestls.revocation;

import java.io.IOException;
import java.net.URI;

/** Fetches revocation data over HTTP. Injected so that tests can serve, fail and count fetches. */
public interface HttpFetcher {
    /** GET {@code uri} (a CRL, RFC 5280 §4.2.1.13); the body, or an exception naming the URI and the problem. */
    byte[] get(URI uri) throws IOException;

    /** POST {@code body} as {@code contentType} (an OCSP request, RFC 6960 Appendix A.1). */
    byte[] post(URI uri, String contentType, byte[] body) throws IOException;
}
