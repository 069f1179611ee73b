package dev.jamestls.admin;

import java.util.Objects;
import java.util.Optional;

import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.mtasts.StsFetchResult;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsPolicyFetcher;
import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.mtasts.StsTxtLookup;
import dev.jamestls.mtasts.StsTxtRecord;
import dev.jamestls.policy.DomainName;

/**
 * What a recipient domain publishes for MTA-STS (RFC 8461 §3), fetched afresh (no cache): its {@code _mta-sts} TXT
 * record and, when there is one, the policy at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}.
 *
 * @param domain the policy domain
 * @param txt the TXT lookup at {@code _mta-sts.<domain>}
 * @param selection the one valid record among the TXT records, or why there is none (also a failed lookup)
 * @param fetched the policy or why it could not be fetched; empty without a valid TXT record
 */
public record StsFindings(DomainName domain, DnsAnswer<String> txt, StsTxtRecord.Selection selection,
                          Optional<StsFetchResult> fetched) {
    public StsFindings {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(txt, "txt");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(fetched, "fetched");
    }

    /** Looks up the TXT record and, when it is valid, fetches the policy once. */
    public static StsFindings lookUp(SecureDns dns, DomainName domain, StsPolicyFetcher fetcher) {
        DnsAnswer<String> txt = dns.txt(StsTxtLookup.LABEL, domain);
        StsTxtRecord.Selection selection = txt.answered() ? StsTxtRecord.select(txt.records())
            : new StsTxtRecord.Selection(Optional.empty(), "TXT lookup " + txt.status()
                + (txt.detail().isEmpty() ? "" : " (" + txt.detail() + ")"));
        Optional<StsFetchResult> fetched = selection.record().map(record -> fetcher.fetch(domain, record.id()));
        return new StsFindings(domain, txt, selection, fetched);
    }

    public Optional<StsPolicy> policy() {
        return fetched.filter(StsFetchResult.Fetched.class::isInstance).map(result -> ((StsFetchResult.Fetched) result).policy());
    }

    public Optional<StsProblem> problem() {
        return fetched.filter(StsFetchResult.Failed.class::isInstance).map(result -> ((StsFetchResult.Failed) result).problem());
    }
}
