package dev.jamestls.tlsrpt;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.Spelled;

/**
 * What the TXT records at {@code _smtp._tls.<domain>} say (RFC 8460 §3): one reporting policy, none, or a lookup to
 * try again.
 *
 * @param status what was found
 * @param policy the policy, when {@link Status#FOUND}
 * @param detail why there is none (the records, the problem, the DNS failure), escaped and bounded; empty when found
 */
public record Discovery(Status status, Optional<TlsRptRecord> policy, String detail) {
    /** The longest detail: it quotes the domain's TXT records, the domain's own text, for a log line and the store. */
    public static final int MAX_DETAIL = 300;

    public Discovery {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(policy, "policy");
        detail = PeerText.escapeAndCut(Objects.requireNonNull(detail, "detail"), MAX_DETAIL);
        if (policy.isPresent() != (status == Status.FOUND)) {
            throw new IllegalArgumentException("a policy comes with FOUND and only with it: " + status);
        }
    }

    /** The outcome of a lookup. */
    public enum Status implements Spelled {
        /** Exactly one {@code v=TLSRPTv1} record, and it parses. */
        FOUND,
        /** No {@code v=TLSRPTv1} record: the domain does not ask for reports. */
        NO_POLICY,
        /** More than one {@code v=TLSRPTv1} record: §3 says to assume the domain does not implement TLSRPT. */
        SEVERAL_POLICIES,
        /** One {@code v=TLSRPTv1} record that breaks the §3 grammar. */
        INVALID,
        /** The lookup failed (time-out, SERVFAIL, bogus): temporary, asked again later. */
        LOOKUP_FAILED;

        @Override
        public String toString() {
            return spelling();
        }
    }

    /** Whether asking again later may find a policy. */
    public boolean temporary() {
        return status == Status.LOOKUP_FAILED;
    }

    /**
     * The policy the TXT records of one lookup publish. A failed or bogus lookup is temporary: TLSRPT needs no DNSSEC
     * (§3 does not ask for it), but a forged answer is no answer.
     */
    public static Discovery of(DnsAnswer<String> answer) {
        if (!answer.answered()) {
            return new Discovery(Status.LOOKUP_FAILED, Optional.empty(), answer.status() + " " + answer.detail());
        }
        return of(answer.records());
    }

    /** RFC 8460 §3: records that do not begin with {@code v=TLSRPTv1;} are discarded; one must remain. */
    public static Discovery of(List<String> records) {
        List<String> claimed = records.stream().filter(TlsRptRecord::claims).toList();
        if (claimed.isEmpty()) {
            return new Discovery(Status.NO_POLICY, Optional.empty(), records.isEmpty() ? "no TXT record"
                : "no v=TLSRPTv1 record among " + records);
        }
        if (claimed.size() > 1) {
            return new Discovery(Status.SEVERAL_POLICIES, Optional.empty(), claimed.size() + " v=TLSRPTv1 records: " + claimed);
        }
        try {
            return new Discovery(Status.FOUND, Optional.of(TlsRptRecord.parse(claimed.get(0))), "");
        } catch (TlsRptRecord.FormatException e) {
            return new Discovery(Status.INVALID, Optional.empty(), e.getMessage());
        }
    }
}
