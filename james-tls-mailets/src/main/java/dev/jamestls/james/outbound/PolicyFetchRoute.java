package dev.jamestls.james.outbound;

import java.net.ProxySelector;
import java.net.http.HttpClient;

import javax.inject.Inject;

/**
 * How MTA-STS policy fetches reach {@code https://mta-sts.<domain>/}: directly. Production uses this class as is
 * (Guice creates it just in time). Test-only seam: integration tests bind a subclass whose route tunnels to a
 * loopback policy server through a proxy, so the host name and its certificate are checked as in production; it is
 * not an admin-facing parameter.
 */
public class PolicyFetchRoute {
    @Inject
    public PolicyFetchRoute() {
    }

    public ProxySelector route() {
        return HttpClient.Builder.NO_PROXY;
    }
}
