package dev.jamestls.policy;

/** How a partner certificate's revocation status is checked (RFC 5280 CRL, RFC 6960 OCSP). */
public enum Revocation {
    /** Not checked. */
    OFF("off"),
    /** Checked; an unreachable responder is recorded and the certificate accepted. */
    SOFT_FAIL("soft-fail"),
    /** Checked; an unreachable responder is a temporary rejection (451 4.7.5). */
    HARD_FAIL("hard-fail");

    private final String configName;

    Revocation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Revocation parse(String value) {
        return ConfigEnums.parse(Revocation.class, "revocation", value, Revocation::configName);
    }

    @Override
    public String toString() {
        return configName;
    }
}
