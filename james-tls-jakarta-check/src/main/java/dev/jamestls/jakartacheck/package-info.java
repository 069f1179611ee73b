/**
 * Build-time checks of the James 3.9 (jakarta) drop-in jar.
 *
 * <p>The jar is produced from the James 3.8.1 build by the Eclipse Transformer
 * (javax → jakarta, {@code com.sun.mail} → {@code org.eclipse.angus.mail}).
 * These checks read class files directly (JVMS §4.4 constant pool) and link
 * every class against the James 3.9.0 API jars:
 * <ul>
 *   <li>{@link dev.jamestls.jakartacheck.ReferenceScan}: no constant-pool
 *       entry still names a pre-jakarta package;</li>
 *   <li>{@link dev.jamestls.jakartacheck.LinkCheck}: every class loads,
 *       verifies and resolves its field and method references (JVMS §5.4.3);</li>
 *   <li>{@link dev.jamestls.jakartacheck.UnitTestRun}: runs the transformed
 *       unit tests against the 3.9.0 fakes.</li>
 * </ul>
 * Nothing here imports James: the API jars are given as class paths.
 */
package dev.jamestls.jakartacheck;
