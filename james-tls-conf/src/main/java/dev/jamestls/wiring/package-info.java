/**
 * Checks of the James configuration that wires our components in:
 * {@code mailetcontainer.xml} (matchers, mailets) and {@code smtpserver.xml}
 * (hooks, STARTTLS per RFC 3207, {@code supportedProtocols} per RFC 8996,
 * keystores and the server certificate's expiry). The catalog lists every
 * component we ship with its accepted parameters, each declared once as a
 * {@link dev.jamestls.parameters.ParameterSpec} that the component's own
 * {@code init()} reads its configuration with. No James imports: the files
 * are read as XML.
 */
package dev.jamestls.wiring;

