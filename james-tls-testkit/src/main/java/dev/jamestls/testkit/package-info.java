/**
 * Fixtures shared by the tests of several modules: a clock the test moves, a key manager that counts
 * full handshakes, an MTA-STS policy host on loopback ({@link dev.jamestls.testkit.StsPolicyServer}).
 * Test kit only: never in the drop-in jar or james-tls.jar.
 */
package dev.jamestls.testkit;
