package dev.jamestls.tlsrpt;

import java.util.List;
import java.util.Objects;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.mtasts.StsPolicy;

/**
 * What a report says of the policy an attempt was judged against (RFC 8460 §4.4 {@code policy-string} and
 * {@code mx-host}); its type comes from the attempt's source.
 *
 * @param strings {@code policy-string}
 * @param mxHosts {@code mx-host}
 */
public record PolicyDetails(List<String> strings, List<String> mxHosts) {
    public PolicyDetails {
        strings = List.copyOf(strings);
        mxHosts = List.copyOf(mxHosts);
    }

    /** No published policy: neither member is reported. */
    public static PolicyDetails none() {
        return new PolicyDetails(List.of(), List.of());
    }

    /**
     * An MTA-STS policy: its lines (RFC 8461 §3.2, in the RFC 8460 §4.4 example {@code "version: STSv1",
     * "mode: testing", "mx: ...", "max_age: 86400"}) and its {@code mx} patterns.
     */
    public static PolicyDetails sts(StsPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        List<String> lines = new java.util.ArrayList<>();
        lines.add("version: STSv1");
        lines.add("mode: " + policy.mode().spelling());
        policy.mx().forEach(pattern -> lines.add("mx: " + pattern));
        lines.add("max_age: " + policy.maxAge().toSeconds());
        return new PolicyDetails(lines, policy.mx());
    }

    /**
     * The TLSA records of one MX host, each in presentation form with its owner name
     * ({@code _25._tcp.mx.example. IN TLSA 3 1 1 <hex>}, RFC 6698 §2.2, RFC 7672 §2.2.1), and that host.
     */
    public static PolicyDetails tlsa(String mxHost, int port, List<TlsaRecord> records) {
        Objects.requireNonNull(mxHost, "mxHost");
        String owner = "_" + port + "._tcp." + (mxHost.endsWith(".") ? mxHost : mxHost + ".");
        return new PolicyDetails(records.stream().map(record -> owner + " IN TLSA " + record).toList(), List.of(mxHost));
    }
}
