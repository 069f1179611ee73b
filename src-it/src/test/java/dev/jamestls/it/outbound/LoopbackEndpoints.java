package dev.jamestls.it.outbound;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.jamestls.james.outbound.DeliveryEndpoints;
import dev.jamestls.outbound.DeliveryTarget;

/** The test seam: each MX host name connects to the loopback port of its test server. */
public final class LoopbackEndpoints extends DeliveryEndpoints {
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    public void map(String host, int port) {
        ports.put(host, port);
    }

    @Override
    public InetSocketAddress endpoint(DeliveryTarget target, InetAddress address) {
        Integer port = ports.get(target.host().ascii());
        if (port == null || !address.isLoopbackAddress()) {
            throw new IllegalStateException("test endpoint for " + target + " at " + address + " is not mapped to loopback");
        }
        return new InetSocketAddress(address, port);
    }
}
