/**
 * The sandbox's Guice extension module ({@link dev.jamestls.sandbox.james.SandboxRoutes}), loaded by the sandbox's
 * James from its own jar in {@code extensions-jars/} (never the drop-in jar): the MX hosts of the demo's DANE and
 * MTA-STS destinations connect to the demo's loopback ports, their ordinary DNS questions go to the sandbox's
 * loopback DNS server, and MTA-STS policy fetches tunnel to its loopback policy host. Nothing leaves loopback. Only
 * classes of James's {@code lib/} and of the drop-in jar are used here.
 */
package dev.jamestls.sandbox.james;
