package dev.jamestls.expiry;

import java.util.Objects;

/**
 * What a watched certificate is to us.
 *
 * @param origin ours or a peer's
 * @param where for {@link CertificateOrigin#LISTENER} the listener (its {@code jmxName} and bind address), for
 *     {@link CertificateOrigin#PARTNER} the connector that judged it, for {@link CertificateOrigin#DESTINATION} the
 *     MX host; peer-supplied text, escaped by whoever writes it to a log
 */
public record CertificateRole(CertificateOrigin origin, String where) {
    public CertificateRole {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(where, "where");
        if (where.isBlank()) {
            throw new IllegalArgumentException("certificate role " + origin.spelling() + ": where is blank");
        }
    }

    public static CertificateRole listener(String where) {
        return new CertificateRole(CertificateOrigin.LISTENER, where);
    }

    public static CertificateRole partner(String connector) {
        return new CertificateRole(CertificateOrigin.PARTNER, connector);
    }

    public static CertificateRole destination(String mxHost) {
        return new CertificateRole(CertificateOrigin.DESTINATION, mxHost);
    }

    @Override
    public String toString() {
        return origin.spelling() + " " + where;
    }
}
