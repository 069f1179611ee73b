package dev.jamestls.outbound;

import java.util.Arrays;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * What a plan asks of the TLS layer over a connected SMTP socket, the same for delivery and for {@code probe}:
 * the plan's protocols (never below TLS 1.2, RFC 8996) that this JDK supports, its cipher suites, SNI = the plan's
 * {@link TlsPlan#sniHost()} (RFC 6066 §3: the host connected to; under DANE the TLSA base domain, RFC 7672 §8.1),
 * and no JSSE endpoint identification (the trust manager checks names per level).
 */
public final class StartTlsLayer {
    private StartTlsLayer() {
    }

    public static void configure(SSLSocket ssl, TlsPlan plan) {
        SSLParameters parameters = ssl.getSSLParameters();
        List<String> supported = Arrays.asList(ssl.getSupportedProtocols());
        parameters.setProtocols(plan.protocols().stream().filter(supported::contains).toArray(String[]::new));
        parameters.setCipherSuites(plan.ciphers().enabledSuites(ssl.getSupportedCipherSuites()));
        parameters.setServerNames(List.of(new SNIHostName(plan.sniHost())));
        parameters.setEndpointIdentificationAlgorithm(null);
        ssl.setSSLParameters(parameters);
    }

    /** Whether a negotiated protocol and cipher suite are ones the plan offers. */
    public static boolean offers(TlsPlan plan, String protocol, String cipherSuite) {
        return plan.protocols().contains(protocol) && plan.ciphers().enabledSuites(new String[] {cipherSuite}).length == 1;
    }
}
