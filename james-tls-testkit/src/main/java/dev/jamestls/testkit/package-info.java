/**
 * Fixtures shared by the tests of several modules (a clock the test moves). Test kit only: never in
 * the drop-in jar or james-tls.jar.
 */
package dev.jamestls.testkit;
