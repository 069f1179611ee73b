package dev.jamestls.policy;

import dev.jamestls.tls.Spelled;

/** Where a resolved rule comes from, strongest first (the precedence order of {@link TlsPolicy}). */
public enum RuleKind implements Spelled {
    CONNECTOR,
    DOMAIN_TABLE,
    DEFAULTS;

    /** {@code domain table} is two words in attributes and log lines. */
    @Override
    public String spelling() {
        return this == DOMAIN_TABLE ? "domain table" : Spelled.super.spelling();
    }

    @Override
    public String toString() {
        return spelling();
    }
}
