package dev.jamestls.it.harness;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.jamestls.james.outbound.DeliveryEndpoints;

/**
 * A test James 3.8.1 in a JVM of its own, for tests that kill it (SIGKILL): James's persistent ActiveMQ mail
 * queues (KahaDB in the working directory, {@link PersistentMailQueueModule}), a plain submission listener
 * open to 127.0.0.1, and {@code TlsRemoteDelivery} (level {@code may}, 4 threads, retries every 2 seconds)
 * delivering the mail of one domain to one loopback port. Once it listens it writes its submission port to
 * {@code <working directory>/submission.port}. It runs until it is killed: SIGTERM stops James (a
 * shutdown hook), SIGKILL does not.
 *
 * <p>Arguments: working directory, recipient domain, MX host name, destination port.
 */
public final class SeparateJamesMain {
    public static final String PORT_FILE = "submission.port";

    private SeparateJamesMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: SeparateJamesMain <working directory> <recipient domain> <mx host> <destination port>");
        }
        Path workingDirectory = Path.of(args[0]);
        String domain = args[1];
        String mx = args[2];
        int destinationPort = Integer.parseInt(args[3]);
        DeliveryEndpoints endpoints = new DeliveryEndpoints() {
            @Override
            public java.net.InetSocketAddress endpoint(dev.jamestls.outbound.DeliveryTarget target, java.net.InetAddress address) {
                if (!target.host().ascii().equals(mx) || !address.isLoopbackAddress()) {
                    throw new IllegalStateException("test endpoint for " + target + " at " + address + " is not mapped to loopback");
                }
                return new java.net.InetSocketAddress(address, destinationPort);
            }
        };
        InProcessJames james = InProcessJames.builder()
            .workingDirectory(workingDirectory)
            .listener(Listener.plain("submission"))
            .authorizedAddresses("127.0.0.1")
            .confFile("tls-policy.xml", TestPolicies.OUTBOUND_MAY)
            .binding(new PersistentMailQueueModule())
            .binding(binder -> binder.bind(DeliveryEndpoints.class).toInstance(endpoints))
            .rootProcessor("""
                      <mailet match="All" class="dev.jamestls.james.mailets.TlsRemoteDelivery">
                        <delayTime>2 seconds</delayTime>
                        <maxRetries>20</maxRetries>
                        <heloName>james.local</heloName>
                        <deliveryThreads>4</deliveryThreads>
                        <connectionTimeout>5000</connectionTimeout>
                        <timeout>20000</timeout>
                      </mailet>
                """)
            .build();
        james.dns().loopbackHost(mx).mx(domain, mx);
        james.start();
        // SIGTERM stops James as its own launcher does (mailets destroyed, queues closed); SIGKILL skips this.
        Runtime.getRuntime().addShutdownHook(new Thread(james::stop, "james-stop"));
        Path portFile = workingDirectory.resolve(PORT_FILE);
        Path written = Files.writeString(workingDirectory.resolve(PORT_FILE + ".tmp"), String.valueOf(james.port("submission")));
        Files.move(written, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
