package dev.jamestls.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

import dev.jamestls.wiring.ComponentCatalog;

/** What {@link TlsRemoteDeliveryXml} writes is a mailet element whose parameters the mailet knows and accepts. */
class TlsRemoteDeliveryXmlTest {
    static final ComponentCatalog.Component MAILET = ComponentCatalog.builtIn().find(TlsRemoteDeliveryXml.CLASS).orElseThrow();
    /** {@code toLoopback("outgoing-test")}, in order. */
    static final Map<String, String> LOOPBACK = loopback();

    @Test
    void theLoopbackDeliveryNamesItsQueueTheTestCaAndShortTimeouts() throws Exception {
        Element mailet = element(TlsRemoteDeliveryXml.toLoopback("outgoing-test").xml());

        assertThat(mailet.getTagName()).isEqualTo("mailet");
        assertThat(mailet.getAttribute("match")).isEqualTo("All");
        assertThat(mailet.getAttribute("class")).isEqualTo("dev.jamestls.james.mailets.TlsRemoteDelivery");
        assertThat(parameters(mailet)).containsExactlyEntriesOf(LOOPBACK);
    }

    @Test
    void everyParameterWrittenIsOneTheMailetAcceptsWithThatValue() throws Exception {
        Element mailet = element(TlsRemoteDeliveryXml.toLoopback("outgoing-test").match("HostIs=partner.example")
            .clientCertificate("file://conf/client.pem", "file://conf/client.key").connectionPoolSize(0)
            .connectionIdleTimeout("1 second").deliveryThreads(2).parameter("bounceProcessor", "bounces").xml());

        assertThat(mailet.getAttribute("match")).isEqualTo("HostIs=partner.example");
        Map<String, String> parameters = parameters(mailet);
        assertThat(parameters).containsKeys("clientCertificates", "clientPrivateKey", "connectionPoolSize", "connectionIdleTimeout",
            "deliveryThreads", "bounceProcessor");
        parameters.forEach((name, value) -> {
            assertThat(MAILET.parameters()).as("a TlsRemoteDelivery parameter").containsKey(name);
            assertThatCode(() -> MAILET.parameters().get(name).check(value)).as(name + "=" + value).doesNotThrowAnyException();
        });
    }

    @Test
    void settingAParameterAgainReplacesItInPlaceAndLeavesTheSharedMailetAsItWas() throws Exception {
        TlsRemoteDeliveryXml shared = TlsRemoteDeliveryXml.toLoopback("outgoing-test");

        Element changed = element(shared.maxRetries(1).trustAnchors("file://conf/outbound-cas.pem").xml());

        Map<String, String> expected = new LinkedHashMap<>(LOOPBACK);
        expected.put("maxRetries", "1");
        expected.put("trustAnchors", "file://conf/outbound-cas.pem");
        assertThat(parameters(changed)).containsExactlyEntriesOf(expected);
        assertThat(parameters(element(shared.xml()))).containsExactlyEntriesOf(LOOPBACK);
    }

    @Test
    void aMailetWithoutParametersIsAnEmptyElement() {
        assertThat(TlsRemoteDeliveryXml.mailet().xml())
            .isEqualTo("<mailet match=\"All\" class=\"dev.jamestls.james.mailets.TlsRemoteDelivery\"/>\n");
    }

    @Test
    void aProcessorHoldsTheMailetAlone() throws Exception {
        Element processor = element(TlsRemoteDeliveryXml.mailet().outgoingQueue("outgoing-fast").inProcessor("fast"));

        assertThat(processor.getTagName()).isEqualTo("processor");
        assertThat(processor.getAttribute("state")).isEqualTo("fast");
        assertThat(processor.getAttribute("enableJmx")).isEqualTo("false");
        assertThat(processor.getElementsByTagName("mailet").getLength()).isEqualTo(1);
        assertThat(parameters((Element) processor.getElementsByTagName("mailet").item(0))).containsExactly(Map.entry("outgoingQueue", "outgoing-fast"));
    }

    @Test
    void valuesAreEscaped() throws Exception {
        Element mailet = element(TlsRemoteDeliveryXml.mailet().match("HostIs=a.example & b").heloName("<james>").xml());

        assertThat(mailet.getAttribute("match")).isEqualTo("HostIs=a.example & b");
        assertThat(parameters(mailet)).containsEntry("heloName", "<james>");
    }

    private static Map<String, String> loopback() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("trustAnchors", "file://conf/ca.pem");
        parameters.put("outgoingQueue", "outgoing-test");
        parameters.put("delayTime", "1 hour");
        parameters.put("maxRetries", "3");
        parameters.put("heloName", "james.local");
        parameters.put("connectionTimeout", "5000");
        parameters.put("timeout", "10000");
        return parameters;
    }

    static Element element(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getDocumentElement();
    }

    static Map<String, String> parameters(Element mailet) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Node child = mailet.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element parameter) {
                assertThat(parameters.put(parameter.getTagName(), parameter.getTextContent())).as("written once: " + parameter.getTagName()).isNull();
            }
        }
        return parameters;
    }
}
