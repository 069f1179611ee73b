package dev.jamestls.admin;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jamestls.dane.TlsaRecord;
import dev.jamestls.dns.DnsAnswer;
import dev.jamestls.dns.MxRecord;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.OutboundLevel;

/**
 * What DNSSEC says of a recipient domain's MX hosts, as DANE delivery reads it (RFC 7672 §2.2): the MX RRset's
 * status, and per MX host the status of its addresses and, when those are secure, its TLSA records at
 * {@code _port._tcp.host}.
 *
 * @param domain the recipient domain
 * @param mx the validated MX lookup
 * @param hosts one entry per MX host probed, in the probe's order
 */
public record DaneFindings(DomainName domain, DnsAnswer<MxRecord> mx, List<Host> hosts) {
    public DaneFindings {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(mx, "mx");
        hosts = List.copyOf(hosts);
    }

    /**
     * One MX host.
     *
     * @param host the host name
     * @param port the SMTP port its TLSA records are looked up for
     * @param addresses the validated address lookup
     * @param tlsa the validated TLSA lookup; empty when the addresses are not secure (RFC 7672 §2.2.2: not looked up)
     * @param mxSecure whether the domain's MX RRset was secure (RFC 7672 §2.2.1: DANE starts there)
     */
    public record Host(String host, int port, DnsAnswer<InetAddress> addresses, Optional<DnsAnswer<TlsaRecord>> tlsa,
                       boolean mxSecure) {
        public Host {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(addresses, "addresses");
            Objects.requireNonNull(tlsa, "tlsa");
        }

        /** {@code _25._tcp.mx.example} (RFC 6698 §3). */
        public String tlsaName() {
            return "_" + port + "._tcp." + host;
        }

        /** The records DANE authenticates this host with: secure all the way down and usable (RFC 7672 §3.1.3). */
        public List<TlsaRecord> usable() {
            boolean secure = mxSecure && addresses.secure() && tlsa.map(DnsAnswer::secure).orElse(false);
            return secure ? tlsa.orElseThrow().records().stream().filter(TlsaRecord::usable).toList() : List.of();
        }
    }

    /**
     * Looks up what DANE needs for {@code hosts}, whatever the MX RRset's status (an insecure or bogus MX RRset still
     * shows each host's records, marked unusable).
     */
    public static DaneFindings lookUp(SecureDns dns, DomainName domain, List<MxHost> hosts, int port) {
        DnsAnswer<MxRecord> mx = dns.mx(domain);
        List<Host> found = new ArrayList<>();
        for (MxHost each : hosts) {
            DomainName name = DomainName.parse(each.host());
            DnsAnswer<InetAddress> addresses = dns.addresses(name);
            // RFC 7672 §2.2.2: TLSA records are looked up only for a host whose addresses are secure.
            Optional<DnsAnswer<TlsaRecord>> tlsa = addresses.secure() ? Optional.of(dns.tlsa(name, port)) : Optional.empty();
            found.add(new Host(each.host(), port, addresses, tlsa, mx.secure()));
        }
        return new DaneFindings(domain, mx, found);
    }

    /**
     * What delivery at level {@code dane} does with {@code host} when it has no usable records, as
     * {@code outbound.DestinationRouting} decides: {@code may} when DNSSEC does not cover it, {@code encrypt} when its
     * secure TLSA RRset holds only unusable records (RFC 7672 §3.1.3), nothing when a lookup was bogus or failed (the
     * mail is deferred or the host skipped, RFC 7672 §2.2.1-2.2.3).
     */
    public Optional<OutboundLevel> withoutDane(Host host) {
        if (!mx.answered()) {
            return Optional.empty();
        }
        if (!mx.secure()) {
            return Optional.of(OutboundLevel.MAY);
        }
        if (!host.addresses().answered() || host.tlsa().map(answer -> !answer.answered()).orElse(false)) {
            return Optional.empty();
        }
        boolean unusableOnly = host.tlsa().map(answer -> answer.secure() && !answer.records().isEmpty()).orElse(false);
        return Optional.of(unusableOnly ? OutboundLevel.ENCRYPT : OutboundLevel.MAY);
    }

    /** Why DANE does not authenticate {@code host}, printable; empty when it does. */
    public Optional<String> whyNot(Host host) {
        if (!host.usable().isEmpty()) {
            return Optional.empty();
        }
        if (!mx.answered()) {
            return Optional.of("MX lookup of " + domain.ascii() + " " + mx.status() + detail(mx));
        }
        if (!mx.secure()) {
            return Optional.of("MX records of " + domain.ascii() + " are " + mx.status());
        }
        if (!host.addresses().secure()) {
            return Optional.of("addresses of " + host.host() + " are " + host.addresses().status() + detail(host.addresses()));
        }
        DnsAnswer<TlsaRecord> records = host.tlsa().orElseThrow();
        if (!records.secure()) {
            return Optional.of("TLSA lookup of " + host.tlsaName() + " " + records.status() + detail(records));
        }
        return Optional.of(records.records().isEmpty() ? "no TLSA records at " + host.tlsaName()
            : "no usable TLSA record at " + host.tlsaName() + " (RFC 7672 §3.1.3: usage 2 or 3, selector 0 or 1, matching type 0-2)");
    }

    /** The entry of {@code host}. */
    public Optional<Host> host(String host) {
        return hosts.stream().filter(h -> h.host().equals(host)).findFirst();
    }

    private static String detail(DnsAnswer<?> answer) {
        return answer.detail().isEmpty() ? "" : " (" + answer.detail() + ")";
    }
}
