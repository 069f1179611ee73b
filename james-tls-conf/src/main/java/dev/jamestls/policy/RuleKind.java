package dev.jamestls.policy;

/** Where a resolved rule comes from, strongest first (the precedence order of {@link TlsPolicy}). */
public enum RuleKind {
    CONNECTOR("connector"),
    DOMAIN_TABLE("domain table"),
    DEFAULTS("defaults");

    private final String spelling;

    RuleKind(String spelling) {
        this.spelling = spelling;
    }

    public String spelling() {
        return spelling;
    }

    @Override
    public String toString() {
        return spelling;
    }
}
