/**
 * Matchers for {@code mailetcontainer.xml} that select mail by the TLS facts
 * of the session it arrived on (attributes set by
 * {@link dev.jamestls.james.smtp.TlsFactsHook}).
 */
package dev.jamestls.james.matchers;
