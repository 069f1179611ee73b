package dev.jamestls.parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.policy.DomainName;
import dev.jamestls.tls.ClientIdentity;

/** The init parameters of {@code TlsRemoteDelivery} (docs/outbound.md), declared once for the mailet and {@code check}. */
public final class DeliveryParameters {
    public static final ParameterSpec<String> POLICY_FILE = InboundParameters.POLICY_FILE;
    public static final ParameterSpec<String> TRUST_ANCHORS = ParameterSpec.optional("trustAnchors", ParameterSpec::nonBlank,
        InboundParameters.LOCATION_FORMS, "PEM file of the CAs outbound certificates are verified against, re-read when it "
            + "changes; absent: the JDK's");
    public static final ParameterSpec<String> OUTGOING_QUEUE = ParameterSpec.of("outgoingQueue", "outgoing-tls",
        ParameterSpec::processorName, ParameterSpec.PROCESSOR_FORMS, "James mail queue the mailet delivers from").unsetWhenBlank();
    /** The delays only: how many of them are used depends on {@link #MAX_RETRIES}. */
    public static final ParameterSpec<List<Duration>> DELAY_TIME = ParameterSpec.of("delayTime", "6 hours",
        value -> RetrySchedule.parse(value, Integer.MAX_VALUE).delays(), RetrySchedule.ACCEPTED,
        "delays between delivery attempts; the last one repeats");
    public static final ParameterSpec<Integer> MAX_RETRIES = ParameterSpec.of("maxRetries", "5", ParameterSpec.wholeNumber(0),
        ParameterSpec.wholeNumberForms(0), "retries after the first attempt before a temporary failure is bounced");
    public static final ParameterSpec<String> BOUNCE_PROCESSOR = ParameterSpec.optional("bounceProcessor",
        ParameterSpec::processorName, ParameterSpec.PROCESSOR_FORMS,
        "processor that receives undeliverable mail; absent: a DSN is sent to the sender").unsetWhenBlank();
    public static final ParameterSpec<String> HELO_NAME = ParameterSpec.optional("heloName", value -> {
        DomainName.parse(value);
        return value;
    }, "a domain name, e.g. mx.example.com", "name announced in EHLO and DSNs; absent: the local host name").unsetWhenBlank();
    public static final ParameterSpec<Integer> DELIVERY_THREADS = ParameterSpec.of("deliveryThreads", "4",
        ParameterSpec.wholeNumber(1), ParameterSpec.wholeNumberForms(1), "mails delivered at the same time");
    public static final ParameterSpec<Integer> CONNECTION_TIMEOUT = ParameterSpec.of("connectionTimeout", "60000",
        ParameterSpec.wholeNumber(1), ParameterSpec.wholeNumberForms(1), "connect timeout in milliseconds");
    public static final ParameterSpec<Integer> TIMEOUT = ParameterSpec.of("timeout", "180000",
        ParameterSpec.wholeNumber(1), ParameterSpec.wholeNumberForms(1), "read timeout in milliseconds");
    public static final ParameterSpec<Integer> CONNECTION_POOL_SIZE = ParameterSpec.of("connectionPoolSize",
        String.valueOf(ConnectionReuse.DEFAULT.maxTotal()), ParameterSpec.wholeNumber(0), ParameterSpec.wholeNumberForms(0),
        "idle connections kept open for the next mail; 0: no reuse");
    public static final ParameterSpec<Integer> CONNECTIONS_PER_DESTINATION = ParameterSpec.of("connectionsPerDestination",
        String.valueOf(ConnectionReuse.DEFAULT.maxPerDestination()), ParameterSpec.wholeNumber(1), ParameterSpec.wholeNumberForms(1),
        "idle connections kept per rule, host, port and TLS requirement");
    public static final ParameterSpec<Duration> CONNECTION_IDLE_TIMEOUT = ParameterSpec.of("connectionIdleTimeout", "30 seconds",
        ConnectionReuse::parseDuration, ConnectionReuse.DURATION_FORMS, "how long an unused connection stays open");
    public static final ParameterSpec<Integer> CONNECTION_REUSE_MAX_MESSAGES = ParameterSpec.of("connectionReuseMaxMessages",
        String.valueOf(ConnectionReuse.DEFAULT.maxMessages()), ParameterSpec.wholeNumber(0), ParameterSpec.wholeNumberForms(0),
        "mails one connection carries before it is closed with QUIT; 0: no limit");
    public static final ParameterSpec<Duration> CONNECTION_REUSE_MAX_AGE = ParameterSpec.of("connectionReuseMaxAge", "300 seconds",
        ConnectionReuse::parseDuration, ConnectionReuse.DURATION_FORMS,
        "how long after it was opened a connection may still take a mail; then it is closed with QUIT");
    public static final ParameterSpec<String> CLIENT_CERTIFICATES = ParameterSpec.optional("clientCertificates",
        ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "PEM chain of our client certificate, presented when a destination asks; with clientPrivateKey").unsetWhenBlank();
    public static final ParameterSpec<String> CLIENT_PRIVATE_KEY = ParameterSpec.optional("clientPrivateKey",
        ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS, "PEM private key of clientCertificates").unsetWhenBlank();
    public static final ParameterSpec<String> CLIENT_KEYSTORE = ParameterSpec.optional("clientKeystore",
        ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "key store holding our client certificate and key, instead of clientCertificates").unsetWhenBlank();
    public static final ParameterSpec<String> CLIENT_KEYSTORE_TYPE = ParameterSpec.of("clientKeystoreType", "PKCS12",
        ClientIdentity::keyStoreType, ClientIdentity.KEY_STORE_TYPES, "type of clientKeystore");
    public static final ParameterSpec<String> CLIENT_SECRET = ParameterSpec.optional("clientSecret", value -> value,
        "any text", "password of clientKeystore; never logged");

    /** The accepted forms of {@link #DNSSEC_RESOLVER}. */
    public static final String RESOLVER_FORMS = "an IP address with an optional port, e.g. 127.0.0.1, 127.0.0.1:5353, [::1]:53";
    public static final ParameterSpec<InetSocketAddress> DNSSEC_RESOLVER = ParameterSpec.optional("dnssecResolver",
        DeliveryParameters::resolverAddress, RESOLVER_FORMS, "recursive resolver asked for DNSSEC-signed answers (levels dane and "
            + "dane-only, MTA-STS discovery), validated here; absent: the first name server of the system's resolver configuration")
        .unsetWhenBlank();
    public static final ParameterSpec<String> DNSSEC_TRUST_ANCHOR = ParameterSpec.optional("dnssecTrustAnchor",
        ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "DS or DNSKEY records (zone file format) DNSSEC validation starts from; absent: the IANA root zone's keys");
    public static final ParameterSpec<Duration> DNS_TIMEOUT = ParameterSpec.of("dnsTimeout", "5 seconds",
        ConnectionReuse::parseDuration, ConnectionReuse.DURATION_FORMS, "how long one DNSSEC-validated lookup may take");
    public static final ParameterSpec<String> MTA_STS_CACHE = ParameterSpec.of("mtaStsCache", "file://var/jamestls/mta-sts/",
        ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "directory where fetched MTA-STS policies are kept across restarts (one James node; see docs/outbound.md for a cluster)");
    public static final ParameterSpec<String> TLS_REPORT_COUNTERS = ParameterSpec.of("tlsReportCounters",
        "file://var/jamestls/tlsrpt-counters.json", ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "file where the daily TLS report counts (RFC 8460) are kept across restarts (one James node; see docs/outbound.md "
            + "for a cluster)");
    public static final ParameterSpec<Boolean> TLS_REPORTS = ParameterSpec.of("tlsReports", "false", ParameterSpec::strictBoolean,
        ParameterSpec.BOOLEAN_FORMS, "whether the daily TLS reports (RFC 8460) are sent, after each UTC day, to the domains "
            + "that publish a _smtp._tls record");
    /** The accepted form of {@link #TLS_REPORT_SENDER}. */
    public static final String ADDRESS_FORMS = "a mail address local@domain, e.g. tlsrpt@example.com";
    public static final ParameterSpec<String> TLS_REPORT_SENDER = ParameterSpec.optional("tlsReportSender",
        DeliveryParameters::mailAddress, ADDRESS_FORMS, "sender of the report mails; its domain is the reports' submitter; "
            + "absent: James's postmaster").unsetWhenBlank();
    public static final ParameterSpec<String> TLS_REPORT_ORGANIZATION = ParameterSpec.optional("tlsReportOrganization",
        ParameterSpec::nonBlank, "any text, e.g. Example Ltd", "organization-name of the reports; absent: the submitter domain");
    public static final ParameterSpec<String> TLS_REPORT_CONTACT = ParameterSpec.optional("tlsReportContact",
        ParameterSpec::nonBlank, "a mail address or URI, e.g. tlsrpt@example.com",
        "contact-info of the reports; absent: the report sender");
    public static final ParameterSpec<String> TLS_REPORT_STORE = ParameterSpec.of("tlsReportStore",
        "file://var/jamestls/tlsrpt-sent.json", ParameterSpec::nonBlank, InboundParameters.LOCATION_FORMS,
        "file where the reports made and where each was sent are kept across restarts (one James node)");
    public static final ParameterSpec<Boolean> TLS_REPORT_PRIVATE_DESTINATIONS = ParameterSpec.of("tlsReportPrivateDestinations",
        "false", ParameterSpec::strictBoolean, ParameterSpec.BOOLEAN_FORMS, "whether an https: report destination a domain "
            + "publishes may be on a loopback, private or link-local address or on a port other than 443 (tests, intranets); "
            + "false: such destinations are refused");

    public static final List<ParameterSpec<?>> ALL = List.of(POLICY_FILE, TRUST_ANCHORS, OUTGOING_QUEUE, DELAY_TIME, MAX_RETRIES,
        BOUNCE_PROCESSOR, HELO_NAME, DELIVERY_THREADS, CONNECTION_TIMEOUT, TIMEOUT, CONNECTION_POOL_SIZE,
        CONNECTIONS_PER_DESTINATION, CONNECTION_IDLE_TIMEOUT, CONNECTION_REUSE_MAX_MESSAGES, CONNECTION_REUSE_MAX_AGE,
        CLIENT_CERTIFICATES, CLIENT_PRIVATE_KEY, CLIENT_KEYSTORE,
        CLIENT_KEYSTORE_TYPE, CLIENT_SECRET, DNSSEC_RESOLVER, DNSSEC_TRUST_ANCHOR, DNS_TIMEOUT, MTA_STS_CACHE,
        TLS_REPORT_COUNTERS, TLS_REPORTS, TLS_REPORT_SENDER, TLS_REPORT_ORGANIZATION, TLS_REPORT_CONTACT, TLS_REPORT_STORE,
        TLS_REPORT_PRIVATE_DESTINATIONS);

    /** {@code local@domain}: a local part without white space or {@code @}, a domain name ({@link DomainName#parse}). */
    static String mailAddress(String value) {
        String text = value.strip();
        int at = text.lastIndexOf('@');
        if (at < 1 || text.substring(0, at).matches(".*[\\s@<>()\\[\\],;:\"].*")) {
            throw new IllegalArgumentException("'" + value + "' is not a mail address; accepted: " + ADDRESS_FORMS);
        }
        DomainName.parse(text.substring(at + 1));
        return text;
    }

    /** An IP literal with an optional port (53 when absent); a host name is refused: the resolver is not looked up. */
    static InetSocketAddress resolverAddress(String value) {
        String text = value.strip();
        String host = text;
        int port = 53;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in '" + value + "'; accepted: " + RESOLVER_FORMS);
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + value + "' is not an address; accepted: " + RESOLVER_FORMS);
                }
                port = port(rest.substring(1), value);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = port(text.substring(text.indexOf(':') + 1), value);
        }
        if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+") || !(host.contains(":") || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}"))) {
            throw new IllegalArgumentException("'" + value + "' is not an IP address; accepted: " + RESOLVER_FORMS);
        }
        try {
            // An IP literal: getByName parses it and asks no resolver.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + value + "' is not an IP address; accepted: " + RESOLVER_FORMS, e);
        }
    }

    private static int port(String text, String value) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("port '" + text + "' of '" + value + "' is not 1-65535; accepted: " + RESOLVER_FORMS);
    }

    private DeliveryParameters() {
    }
}
