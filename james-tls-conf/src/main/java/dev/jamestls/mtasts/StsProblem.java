package dev.jamestls.mtasts;

import java.util.Objects;

import dev.jamestls.verify.TlsRptResultType;

/**
 * Why a domain's MTA-STS policy could not be fetched or used, as its RFC 8460 result type.
 *
 * @param type {@code sts-policy-fetch-error}, {@code sts-policy-invalid} or {@code sts-webpki-invalid}
 * @param reason what happened, for the log and the mail's attributes
 */
public record StsProblem(TlsRptResultType type, String reason) {
    public StsProblem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
    }
}
