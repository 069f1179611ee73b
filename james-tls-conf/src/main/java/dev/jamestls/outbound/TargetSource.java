package dev.jamestls.outbound;

/** Where a delivery target came from (RFC 5321 §5.1). */
public enum TargetSource {
    /** A connector's smart host: no MX lookup. */
    SMART_HOST("smart-host"),
    /** An MX record of the recipient domain. */
    MX("mx"),
    /** No MX record: the domain itself is the host (RFC 5321 §5.1 implicit MX). */
    IMPLICIT_MX("implicit-mx");

    private final String spelling;

    TargetSource(String spelling) {
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
