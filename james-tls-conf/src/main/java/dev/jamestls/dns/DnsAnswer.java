package dev.jamestls.dns;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one DNS question with its DNSSEC status.
 *
 * <p>{@link DnssecStatus#SECURE} and {@link DnssecStatus#INSECURE} answers carry the records; an empty list
 * means the name or the type does not exist (NXDOMAIN, NODATA), proven when secure.
 * {@link DnssecStatus#BOGUS} and {@link DnssecStatus#FAILED} answers never carry records.
 *
 * @param status the DNSSEC status
 * @param records the records of the answer (after any CNAME chain), empty when bogus or failed
 * @param ttl how long the answer may be cached: the smallest TTL of the records (or the negative TTL,
 *     RFC 2308 §5); zero for bogus and failed answers
 * @param detail why, for bogus and failed answers (resolver text, escaped before logging); empty otherwise
 * @param <T> the record type
 */
public record DnsAnswer<T>(DnssecStatus status, List<T> records, Duration ttl, String detail) {
    public DnsAnswer {
        Objects.requireNonNull(status, "status");
        records = List.copyOf(records);
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(detail, "detail");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must not be negative: " + ttl);
        }
        if ((status == DnssecStatus.BOGUS || status == DnssecStatus.FAILED) && !records.isEmpty()) {
            throw new IllegalArgumentException("a " + status + " answer carries no records");
        }
    }

    public static <T> DnsAnswer<T> secure(List<T> records, Duration ttl) {
        return new DnsAnswer<>(DnssecStatus.SECURE, records, ttl, "");
    }

    public static <T> DnsAnswer<T> insecure(List<T> records, Duration ttl) {
        return new DnsAnswer<>(DnssecStatus.INSECURE, records, ttl, "");
    }

    public static <T> DnsAnswer<T> bogus(String detail) {
        return new DnsAnswer<>(DnssecStatus.BOGUS, List.of(), Duration.ZERO, detail);
    }

    public static <T> DnsAnswer<T> failed(String detail) {
        return new DnsAnswer<>(DnssecStatus.FAILED, List.of(), Duration.ZERO, detail);
    }

    public boolean secure() {
        return status == DnssecStatus.SECURE;
    }

    /** Whether the records can be used at all (secure or insecure). */
    public boolean answered() {
        return status == DnssecStatus.SECURE || status == DnssecStatus.INSECURE;
    }
}
