package dev.jamestls.policy;

/** Where a resolved rule comes from, strongest first (the precedence order of {@link TlsPolicy}). */
public enum RuleKind {
    CONNECTOR("connector"),
    DOMAIN_TABLE("domain table"),
    DEFAULTS("defaults");

    private final String label;

    RuleKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
