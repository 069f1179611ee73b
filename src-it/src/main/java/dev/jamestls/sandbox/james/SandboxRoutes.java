package dev.jamestls.sandbox.james;

import com.google.inject.AbstractModule;

import dev.jamestls.james.outbound.DeliveryDns;
import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.james.outbound.PolicyFetchRoute;

/**
 * Sandbox only: keeps TlsRemoteDelivery's DANE and MTA-STS deliveries on loopback. Enabled in the sandbox's
 * {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.module=dev.jamestls.sandbox.james.SandboxRoutes
 * </pre>
 *
 * James 3.8.1 installs such modules in a child injector of its own (where mailets are created), so these
 * bindings replace the defaults Guice would otherwise create just in time. Never in a production James: there the
 * MX hosts' own addresses, James's DNS service and direct HTTPS are right.
 */
public final class SandboxRoutes extends AbstractModule {
    @Override
    protected void configure() {
        bind(DeliveryEndpoints.class).to(SandboxEndpoints.class);
        bind(DeliveryDns.class).to(SandboxDeliveryDns.class);
        bind(PolicyFetchRoute.class).to(SandboxPolicyFetchRoute.class);
    }

    /** The loopback port a system property set by {@code run} names; missing or malformed fails James's start. */
    static int port(String property) {
        String value = System.getProperty(property);
        try {
            int port = Integer.parseInt(value == null ? "" : value.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("sandbox: system property " + property + " is '" + value
            + "'; accepted: a port number 1..65535, set by the sandbox's run script (-D" + property + "=N)");
    }
}
