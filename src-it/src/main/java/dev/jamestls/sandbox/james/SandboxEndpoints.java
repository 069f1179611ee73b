package dev.jamestls.sandbox.james;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.stream.Collectors;

import javax.inject.Inject;

import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.outbound.DeliveryTarget;

/**
 * The MX hosts of the demo's published-policy destinations listen on loopback ports, not port 25 (the sandbox runs
 * without root): {@code mx.dane.example} connects to {@code jamestls.dane.port}, and so on. Every other target
 * (the smart hosts of tls-policy.xml) connects as configured.
 */
public final class SandboxEndpoints extends DeliveryEndpoints {
    private final Map<String, Integer> ports;

    @Inject
    public SandboxEndpoints() {
        this.ports = PublishedDestination.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(PublishedDestination::mxHost, destination -> SandboxRoutes.port(destination.property())));
    }

    @Override
    public InetSocketAddress endpoint(DeliveryTarget target, InetAddress address) {
        Integer port = ports.get(target.host().ascii());
        return port == null ? super.endpoint(target, address) : new InetSocketAddress(address, port);
    }
}
