package dev.jamestls.outbound;

import dev.jamestls.tls.Spelled;

/** Where a delivery target came from (RFC 5321 §5.1). */
public enum TargetSource implements Spelled {
    /** A connector's smart host: no MX lookup. */
    SMART_HOST,
    /** An MX record of the recipient domain. */
    MX,
    /** No MX record: the domain itself is the host (RFC 5321 §5.1 implicit MX). */
    IMPLICIT_MX;

    @Override
    public String toString() {
        return spelling();
    }
}
