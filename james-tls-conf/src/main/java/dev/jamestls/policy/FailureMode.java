package dev.jamestls.policy;

/** What an outbound delivery that cannot be secured becomes (SPEC §2). */
public enum FailureMode {
    /** Stay queued and retry; bounce (4.7.5) only when the retry schedule is exhausted. */
    TEMPORARY("temporary"),
    /** Bounce at once with 5.7.10 (RFC 7372). */
    PERMANENT("permanent");

    private final String configName;

    FailureMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static FailureMode parse(String value) {
        return ConfigEnums.parse(FailureMode.class, "failure", value, FailureMode::configName);
    }

    @Override
    public String toString() {
        return configName;
    }
}
