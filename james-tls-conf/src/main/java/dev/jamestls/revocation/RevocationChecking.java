package dev.jamestls.revocation;

import dev.jamestls.tls.Spelled;

/** What to do about revocation when a chain is verified; the enum carries its configuration spelling. */
public enum RevocationChecking implements Spelled {
    /** No revocation check. */
    OFF,
    /** Check; a revoked certificate fails, an unreachable or unusable responder is accepted and recorded. */
    SOFT_FAIL,
    /** Check; a revoked certificate fails, an unknown status is a temporary failure. */
    HARD_FAIL;

    /** Parses the configuration spelling strictly. */
    public static RevocationChecking parse(String value) {
        return Spelled.parse(RevocationChecking.class, "revocation mode", value);
    }

    @Override
    public String toString() {
        return spelling();
    }
}
