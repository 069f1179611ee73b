package dev.jamestls.james.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import javax.inject.Inject;

import dev.jamestls.outbound.DeliveryTarget;

/**
 * Where an attempt connects: the target's address and port. Production uses this class as is
 * (Guice creates it just in time). Test-only seam: integration tests bind a subclass that maps
 * each MX host name to the loopback port of its test server; it is not an admin-facing parameter.
 */
public class DeliveryEndpoints {
    @Inject
    public DeliveryEndpoints() {
    }

    public InetSocketAddress endpoint(DeliveryTarget target, InetAddress address) {
        return new InetSocketAddress(address, target.port());
    }
}
