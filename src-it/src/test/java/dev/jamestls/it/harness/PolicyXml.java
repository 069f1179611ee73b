package dev.jamestls.it.harness;

import java.time.LocalDate;

import dev.jamestls.policy.Failure;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.tls.TlsProtocol;

/**
 * Writes a test's {@code tls-policy.xml} (docs/policy-reference.md) from values, so that a test states only the
 * rules it is about:
 *
 * <pre>{@code
 * PolicyXml.opportunistic()
 *     .connector(connector("partner-example").inbound(inbound(true).failure(PERMANENT)
 *         .senderDomain("partner.example").clientCertificate(clientCertificate(OFF).name("partner.example"))))
 *     .xml();
 * }</pre>
 *
 * Values are the product's own enums, written in their configuration spelling, and an attribute is written
 * only when the test sets it (an absent {@code failure} stays absent). Every builder is immutable: a shared
 * one may be extended by several tests. A test about a malformed or hostile file writes its XML by hand.
 */
public final class PolicyXml {
    private final XmlNode root;

    private PolicyXml(XmlNode root) {
        this.root = root;
    }

    /** {@code <tlsPolicy>} with no defaults: opportunistic in and out, as the parser reads an absent {@code <defaults>}. */
    public static PolicyXml policy() {
        return new PolicyXml(XmlNode.of("tlsPolicy", "defaults", "rules"));
    }

    /** With {@code <defaults><inbound requireTls="false"/><outbound level="may"/></defaults>}. */
    public static PolicyXml opportunistic() {
        return policy().defaults(inbound(false), outbound(OutboundLevel.MAY));
    }

    /** {@code <defaults>} with an {@code <inbound>} (no sender domains) and an {@code <outbound>} (no recipient domains). */
    public PolicyXml defaults(Inbound inbound, Outbound outbound) {
        return new PolicyXml(root.replace("defaults", XmlNode.of("defaults").add("inbound", inbound.node.xml())
            .add("outbound", outbound.node.xml()).xml()));
    }

    /** {@code <defaults>} with only an {@code <outbound>}. */
    public PolicyXml defaults(Outbound outbound) {
        return new PolicyXml(root.replace("defaults", XmlNode.of("defaults").add("outbound", outbound.node.xml()).xml()));
    }

    public PolicyXml connector(Connector connector) {
        return new PolicyXml(root.add("rules", connector.node.xml()));
    }

    /** {@code <domainTable file="..."/>}, the Postfix-syntax table relative to the policy file. */
    public PolicyXml domainTable(String file) {
        return new PolicyXml(root.add("rules", XmlNode.of("domainTable").attribute("file", file).xml()));
    }

    /** The file's content. */
    public String xml() {
        return root.xml() + "\n";
    }

    @Override
    public String toString() {
        return xml();
    }

    /** {@code <connector name="..." mode="enforce">}; {@link Connector#testing()} for {@code mode="testing"}. */
    public static Connector connector(String name) {
        return new Connector(XmlNode.of("connector", "inbound", "outbound").attribute("name", name).attribute("mode", Mode.ENFORCE));
    }

    /** {@code <inbound requireTls="...">}: in {@code <defaults>}, or a connector's with its sender domains. */
    public static Inbound inbound(boolean requireTls) {
        return new Inbound(XmlNode.of("inbound", "senderDomain", "partnerIp", "clientCertificate").attribute("requireTls", requireTls));
    }

    /** {@code <outbound level="...">}: in {@code <defaults>}, or a connector's with its recipient domains. */
    public static Outbound outbound(OutboundLevel level) {
        return new Outbound(XmlNode.of("outbound", "recipientDomain", "match", "pin", "smartHost", "trustAnchors", "clientIdentity")
            .attribute("level", level));
    }

    /** {@code <clientCertificate revocation="...">} of a connector's {@code <inbound>}. */
    public static ClientCertificate clientCertificate(RevocationChecking revocation) {
        return new ClientCertificate(XmlNode.of("clientCertificate", "name", "issuer", "pin", "trustAnchors")
            .attribute("revocation", revocation));
    }

    /** An immutable element builder: each setter returns a new one. */
    abstract static class Element<T extends Element<T>> {
        final XmlNode node;

        Element(XmlNode node) {
            this.node = node;
        }

        abstract T with(XmlNode next);
    }

    /** {@code <connector>}: at least one of {@code <inbound>} and {@code <outbound>}. */
    public static final class Connector extends Element<Connector> {
        private Connector(XmlNode node) {
            super(node);
        }

        @Override
        Connector with(XmlNode next) {
            return new Connector(next);
        }

        /** {@code mode="testing"}: judged and recorded, not enforced. */
        public Connector testing() {
            return with(node.attribute("mode", Mode.TESTING));
        }

        /** {@code expires="YYYY-MM-DD"}: the last day the connector applies. */
        public Connector expires(LocalDate lastDay) {
            return with(node.attribute("expires", lastDay));
        }

        public Connector inbound(Inbound inbound) {
            return with(node.replace("inbound", inbound.node.xml()));
        }

        public Connector outbound(Outbound outbound) {
            return with(node.replace("outbound", outbound.node.xml()));
        }
    }

    /** What {@code <inbound>} and {@code <outbound>} share. */
    abstract static class Direction<T extends Direction<T>> extends Element<T> {
        Direction(XmlNode node) {
            super(node);
        }

        public T minimumProtocol(TlsProtocol minimum) {
            return with(node.attribute("minimumProtocol", minimum));
        }

        /** Not in {@code <defaults>}' {@code <outbound>}. */
        public T failure(Failure failure) {
            return with(node.attribute("failure", failure));
        }
    }

    /** {@code <inbound>}: what mail from the sender domains must arrive with. */
    public static final class Inbound extends Direction<Inbound> {
        private Inbound(XmlNode node) {
            super(node);
        }

        @Override
        Inbound with(XmlNode next) {
            return new Inbound(next);
        }

        /** {@code allowRelay="true"}: a client whose certificate verifies for the connector may relay. */
        public Inbound allowRelay() {
            return with(node.attribute("allowRelay", true));
        }

        /** {@code nullSender="true"}: the connector also applies to {@code MAIL FROM:<>}. */
        public Inbound nullSender() {
            return with(node.attribute("nullSender", true));
        }

        /** One {@code <senderDomain>} a domain: {@code partner.example} or {@code *.partner.example}. */
        public Inbound senderDomain(String... domains) {
            return with(node.addText("senderDomain", (Object[]) domains));
        }

        /** {@code <partnerIp>}: a CIDR range or an address the partner may connect from. */
        public Inbound partnerIp(String range) {
            return with(node.addText("partnerIp", range));
        }

        public Inbound clientCertificate(ClientCertificate certificate) {
            return with(node.replace("clientCertificate", certificate.node.xml()));
        }
    }

    /** {@code <clientCertificate>}: the partner's certificate, by name, issuer, pins and anchors. */
    public static final class ClientCertificate extends Element<ClientCertificate> {
        private ClientCertificate(XmlNode node) {
            super(node);
        }

        @Override
        ClientCertificate with(XmlNode next) {
            return new ClientCertificate(next);
        }

        /** One {@code <name>} a name: subject CN or DNS SAN, {@code partner.example} or {@code *.partner.example}. */
        public ClientCertificate name(String... names) {
            return with(node.addText("name", (Object[]) names));
        }

        /** {@code <issuer>}: the issuer DN, RFC 4514. */
        public ClientCertificate issuer(String distinguishedName) {
            return with(node.replaceText("issuer", distinguishedName));
        }

        /** {@code <pin>}: SPKI SHA-256, base64 (RFC 7469 §2.4), of a certificate of the validated path. */
        public ClientCertificate pin(String spkiSha256) {
            return with(node.addText("pin", spkiSha256));
        }

        /** {@code <trustAnchors>}: a PEM file of partner CAs, relative to the policy file. */
        public ClientCertificate trustAnchors(String file) {
            return with(node.replaceText("trustAnchors", file));
        }
    }

    /** {@code <outbound>}: how mail to the recipient domains is delivered. */
    public static final class Outbound extends Direction<Outbound> {
        private Outbound(XmlNode node) {
            super(node);
        }

        @Override
        Outbound with(XmlNode next) {
            return new Outbound(next);
        }

        /** {@code mtaSts="true"}: only in {@code <defaults>}' {@code <outbound>}. */
        public Outbound mtaSts() {
            return with(node.attribute("mtaSts", true));
        }

        /** One {@code <recipientDomain>} a domain: {@code partner.example} or {@code *.partner.example}. */
        public Outbound recipientDomain(String... domains) {
            return with(node.addText("recipientDomain", (Object[]) domains));
        }

        /** {@code <match>}, Postfix semantics: a name, {@code .parent}, {@code nexthop}, {@code dot-nexthop}, {@code hostname}. */
        public Outbound match(String name) {
            return with(node.addText("match", name));
        }

        /** {@code <pin>}: SPKI SHA-256 (base64) of the destination's leaf, for level {@code fingerprint}. */
        public Outbound pin(String spkiSha256) {
            return with(node.addText("pin", spkiSha256));
        }

        /** {@code <smartHost>}: {@code [host]} or {@code [host]:port}, tried in order instead of MX. */
        public Outbound smartHost(String host) {
            return with(node.addText("smartHost", host));
        }

        /** {@code <trustAnchors>}: the rule's own CA file, relative to the policy file. */
        public Outbound trustAnchors(String file) {
            return with(node.replaceText("trustAnchors", file));
        }

        /** {@code <clientIdentity privateKey="..." certificates="..."/>}: the rule's own client certificate (PEM files). */
        public Outbound clientIdentity(String privateKey, String certificates) {
            return with(node.replace("clientIdentity", XmlNode.of("clientIdentity")
                .attribute("privateKey", privateKey).attribute("certificates", certificates).xml()));
        }
    }
}
