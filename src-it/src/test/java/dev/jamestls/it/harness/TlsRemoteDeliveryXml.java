package dev.jamestls.it.harness;

/**
 * Writes a {@code TlsRemoteDelivery} mailet element for a test James's {@code mailetcontainer.xml}
 * (docs/outbound.md): {@code <mailet match="..." class="dev.jamestls.james.mailets.TlsRemoteDelivery">} and
 * its parameters, each written once (setting one again replaces it in place), in the order first set.
 * Immutable: a shared one may be varied by each processor that uses it. A test about bad or missing parameters
 * writes its mailet by hand.
 */
public final class TlsRemoteDeliveryXml {
    public static final String CLASS = "dev.jamestls.james.mailets.TlsRemoteDelivery";

    private final XmlNode node;

    private TlsRemoteDeliveryXml(XmlNode node) {
        this.node = node;
    }

    /** {@code match="All"}, no parameter. */
    public static TlsRemoteDeliveryXml mailet() {
        return new TlsRemoteDeliveryXml(XmlNode.of("mailet").attribute("match", "All").attribute("class", CLASS));
    }

    /**
     * Delivery to a test's loopback destinations through {@code queue}: the test PKI's CA
     * ({@code file://conf/ca.pem}), retries an hour apart (a test asks for the next attempt itself), at most
     * three, HELO {@code james.local}, and timeouts short enough for a test (5 s to connect, 10 s a reply).
     */
    public static TlsRemoteDeliveryXml toLoopback(String queue) {
        return mailet().trustAnchors("file://conf/ca.pem").outgoingQueue(queue).delayTime("1 hour").maxRetries(3)
            .heloName("james.local").connectionTimeout(5000).timeout(10000);
    }

    /** The matcher, e.g. {@code HostIs=partner.example}. */
    public TlsRemoteDeliveryXml match(String matcher) {
        return new TlsRemoteDeliveryXml(node.attribute("match", matcher));
    }

    /** Any parameter, written {@code <name>value</name>}. */
    public TlsRemoteDeliveryXml parameter(String name, Object value) {
        return new TlsRemoteDeliveryXml(node.replaceText(name, value));
    }

    /** The CA file destinations are verified against, e.g. {@code file://conf/ca.pem}. */
    public TlsRemoteDeliveryXml trustAnchors(String url) {
        return parameter("trustAnchors", url);
    }

    public TlsRemoteDeliveryXml outgoingQueue(String queue) {
        return parameter("outgoingQueue", queue);
    }

    /** James's spelling: {@code 1 hour}, {@code 300 ms}, {@code 15 seconds}. */
    public TlsRemoteDeliveryXml delayTime(String delay) {
        return parameter("delayTime", delay);
    }

    public TlsRemoteDeliveryXml maxRetries(int retries) {
        return parameter("maxRetries", retries);
    }

    public TlsRemoteDeliveryXml heloName(String name) {
        return parameter("heloName", name);
    }

    public TlsRemoteDeliveryXml connectionTimeout(int milliseconds) {
        return parameter("connectionTimeout", milliseconds);
    }

    public TlsRemoteDeliveryXml timeout(int milliseconds) {
        return parameter("timeout", milliseconds);
    }

    /** Our client certificate, presented when a destination asks: PEM chain and key URLs. */
    public TlsRemoteDeliveryXml clientCertificate(String certificatesUrl, String privateKeyUrl) {
        return parameter("clientCertificates", certificatesUrl).parameter("clientPrivateKey", privateKeyUrl);
    }

    public TlsRemoteDeliveryXml connectionPoolSize(int connections) {
        return parameter("connectionPoolSize", connections);
    }

    /** James's spelling, e.g. {@code 1 second}. */
    public TlsRemoteDeliveryXml connectionIdleTimeout(String idle) {
        return parameter("connectionIdleTimeout", idle);
    }

    /** Mails one connection carries before it is closed; 0: no limit. */
    public TlsRemoteDeliveryXml connectionReuseMaxMessages(int mails) {
        return parameter("connectionReuseMaxMessages", mails);
    }

    public TlsRemoteDeliveryXml deliveryThreads(int threads) {
        return parameter("deliveryThreads", threads);
    }

    /** The mailet element. */
    public String xml() {
        return node.xml() + "\n";
    }

    /** The mailet as the only one of {@code <processor state="..." enableJmx="false">}. */
    public String inProcessor(String state) {
        return XmlNode.of("processor").attribute("state", state).attribute("enableJmx", false).add("mailet", node.xml()).xml() + "\n";
    }

    @Override
    public String toString() {
        return xml();
    }
}
