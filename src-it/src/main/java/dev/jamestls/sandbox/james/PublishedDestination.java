package dev.jamestls.sandbox.james;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The demo's destinations that publish how they want to be authenticated, each with the loopback port its MX host
 * really listens on: {@code run} passes the ports to James as system properties ({@code -Djamestls.dane.port=2528}),
 * {@code demo} listens there. Options and environment variables have the same names in both scripts.
 *
 * @param domain the recipient domain
 * @param mxHost its MX host in the sandbox's DNS
 * @param option the {@code run}/{@code demo} option of the port
 * @param defaultPort the port when neither option nor environment variable is given
 */
public record PublishedDestination(String domain, String mxHost, String option, int defaultPort) {
    /** DNSSEC-signed MX, TLSA 3 1 1 of the destination's key: delivered over TLS (RFC 7672). */
    public static final PublishedDestination DANE = new PublishedDestination("dane.example", "mx.dane.example", "--dane-port", 2528);
    /** DNSSEC-signed MX, a TLSA record for another key: the mail stays queued with {@code tlsa-invalid}. */
    public static final PublishedDestination DANE_WRONG = new PublishedDestination("dane-wrong.example", "mx.dane-wrong.example",
        "--dane-wrong-port", 2529);
    /** An MTA-STS policy in mode enforce listing its MX host: delivered over verified TLS (RFC 8461). */
    public static final PublishedDestination STS = new PublishedDestination("sts.example", "mx.sts.example", "--sts-port", 2530);
    public static final List<PublishedDestination> ALL = List.of(DANE, DANE_WRONG, STS);

    /** System property naming the port of the sandbox's DNS server (signed zones), set by {@code run}. */
    public static final String DNS_PORT_PROPERTY = "jamestls.dns.port";
    /** System property naming the port of the proxy in front of the MTA-STS policy host, set by {@code run}. */
    public static final String POLICY_PROXY_PORT_PROPERTY = "jamestls.policyproxy.port";

    /** {@code jamestls.dane-wrong.port}: the system property James reads. */
    public String property() {
        return "jamestls." + option.substring(2, option.length() - "-port".length()) + ".port";
    }

    /** {@code JAMES_TLS_DANE_WRONG_PORT}: the environment variable both scripts read. */
    public String environmentVariable() {
        return "JAMES_TLS_" + option.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** The destination whose MX host is {@code host}, if any. */
    public static Optional<PublishedDestination> byMxHost(String host) {
        return ALL.stream().filter(destination -> destination.mxHost().equalsIgnoreCase(host)).findFirst();
    }
}
