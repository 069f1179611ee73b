package dev.jamestls.tlsrpt;

import java.util.Objects;
import java.util.Optional;

/**
 * RFC 8460 §4.4 {@code failure-details}: one kind of failure and how many sessions had it.
 *
 * <p>The result type is kept as its spelling: the registry of result types is open (RFC 8460 §6.6), so a report
 * may name one this version does not know; the types we report are {@link dev.jamestls.verify.TlsRptResultType}.
 *
 * @param resultType {@code result-type} (RFC 8460 §4.3)
 * @param sendingMtaIp {@code sending-mta-ip}
 * @param receivingMxHostname {@code receiving-mx-hostname}
 * @param receivingMxHelo {@code receiving-mx-helo}
 * @param receivingIp {@code receiving-ip}
 * @param failedSessionCount {@code failed-session-count}
 * @param additionalInformation {@code additional-information}, a URI
 * @param failureReasonCode {@code failure-reason-code}
 */
public record FailureDetail(String resultType, Optional<String> sendingMtaIp, Optional<String> receivingMxHostname,
                            Optional<String> receivingMxHelo, Optional<String> receivingIp, long failedSessionCount,
                            Optional<String> additionalInformation, Optional<String> failureReasonCode) {
    public FailureDetail {
        Objects.requireNonNull(resultType, "resultType");
        if (resultType.isEmpty()) {
            throw new IllegalArgumentException("result-type must not be empty");
        }
        Objects.requireNonNull(sendingMtaIp, "sendingMtaIp");
        Objects.requireNonNull(receivingMxHostname, "receivingMxHostname");
        Objects.requireNonNull(receivingMxHelo, "receivingMxHelo");
        Objects.requireNonNull(receivingIp, "receivingIp");
        if (failedSessionCount < 0) {
            throw new IllegalArgumentException("failed-session-count must not be negative: " + failedSessionCount);
        }
        Objects.requireNonNull(additionalInformation, "additionalInformation");
        Objects.requireNonNull(failureReasonCode, "failureReasonCode");
    }

    /** The same row with another count. */
    public FailureDetail withCount(long count) {
        return new FailureDetail(resultType, sendingMtaIp, receivingMxHostname, receivingMxHelo, receivingIp, count,
            additionalInformation, failureReasonCode);
    }
}
