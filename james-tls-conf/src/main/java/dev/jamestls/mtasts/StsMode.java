package dev.jamestls.mtasts;

import dev.jamestls.tls.Spelled;

/** The {@code mode} of an MTA-STS policy (RFC 8461 §3.2, §5). */
public enum StsMode implements Spelled {
    /** Deliver only to matching MX hosts with a PKIX-valid certificate for the MX name, over TLS 1.2+. */
    ENFORCE,
    /** Deliver as without a policy; report what {@code enforce} would have refused. */
    TESTING,
    /** The domain withdrew its policy: deliver as without one. */
    NONE;

    public static StsMode parse(String value) {
        return Spelled.parse(StsMode.class, "MTA-STS mode", value);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
