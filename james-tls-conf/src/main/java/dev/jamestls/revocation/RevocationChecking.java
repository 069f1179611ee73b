package dev.jamestls.revocation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** What to do about revocation when a chain is verified; the enum carries its configuration spelling. */
public enum RevocationChecking {
    /** No revocation check. */
    OFF("off"),
    /** Check; a revoked certificate fails, an unreachable or unusable responder is accepted and recorded. */
    SOFT_FAIL("soft-fail"),
    /** Check; a revoked certificate fails, an unknown status is a temporary failure. */
    HARD_FAIL("hard-fail");

    private final String spelling;

    RevocationChecking(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    /** Parses the configuration spelling strictly. */
    public static RevocationChecking parse(String value) {
        for (RevocationChecking mode : values()) {
            if (mode.spelling.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown revocation mode '" + value + "'; accepted: "
            + Arrays.stream(values()).map(RevocationChecking::spelling).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return spelling;
    }
}
