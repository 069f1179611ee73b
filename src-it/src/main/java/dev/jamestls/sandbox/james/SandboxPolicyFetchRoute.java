package dev.jamestls.sandbox.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;

import javax.inject.Inject;

import dev.jamestls.james.outbound.PolicyFetchRoute;

/**
 * Every MTA-STS policy fetch goes through the sandbox's loopback proxy ({@code jamestls.policyproxy.port}), which
 * tunnels it to the sandbox's policy host: the client still names {@code mta-sts.sts.example} in SNI and checks the
 * certificate for it, as in production, and no fetch leaves loopback.
 */
public final class SandboxPolicyFetchRoute extends PolicyFetchRoute {
    private final ProxySelector proxy;

    @Inject
    public SandboxPolicyFetchRoute() {
        this.proxy = ProxySelector.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            SandboxRoutes.port(PublishedDestination.POLICY_PROXY_PORT_PROPERTY)));
    }

    @Override
    public ProxySelector route() {
        return proxy;
    }
}
