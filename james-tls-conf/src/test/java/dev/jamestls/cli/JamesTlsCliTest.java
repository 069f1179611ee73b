package dev.jamestls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.PemFiles;

class JamesTlsCliTest {
    static final Path SAMPLE = Path.of("src/main/james-conf");
    static final String SECRET = "changeit";

    @TempDir
    Path jamesRoot;
    Path conf;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    static final String SMTPSERVER = """
        <?xml version="1.0"?>
        <smtpservers>
          <smtpserver enabled="true">
            <jmxName>smtpserver-global</jmxName>
            <bind>127.0.0.1:2525</bind>
            <tls socketTLS="false" startTLS="true">
              <keystore>file://conf/keystore</keystore>
              <keystoreType>PKCS12</keystoreType>
              <secret>changeit</secret>
              <supportedProtocols>
                <protocol>TLSv1.2</protocol>
                <protocol>TLSv1.3</protocol>
              </supportedProtocols>
              <supportedCipherSuites>
                <cipherSuite>TLS_AES_128_GCM_SHA256</cipherSuite>
                <cipherSuite>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</cipherSuite>
              </supportedCipherSuites>
            </tls>
            <handlerchain>
              <handler class="org.apache.james.smtpserver.fastfail.ValidRcptHandler"/>
              <handler class="dev.jamestls.james.smtp.TlsFactsHook"/>
              <handler class="dev.jamestls.james.smtp.InboundTlsPolicyHook">
                <policyFile>conf/tls-policy.xml</policyFile>
              </handler>
              <handler class="org.apache.james.smtpserver.CoreCmdHandlerLoader"/>
            </handlerchain>
          </smtpserver>
        </smtpservers>
        """;

    static final String MAILETCONTAINER = """
        <?xml version="1.0"?>
        <mailetcontainer enableJmx="false">
          <context><postmaster>postmaster@james.local</postmaster></context>
          <processors>
            <processor state="root" enableJmx="false">
              <mailet match="dev.jamestls.james.matchers.SentOverTls=TLSv1.2" class="dev.jamestls.james.mailets.AddTlsHeader">
                <header>X-James-TLS</header>
                <includeClientIdentity>false</includeClientIdentity>
              </mailet>
              <mailet match="dev.jamestls.james.matchers.FromPartner=partner-example" class="ToProcessor">
                <processor>transport</processor>
              </mailet>
              <mailet match="All" class="dev.jamestls.james.mailets.EnforceInboundTlsPolicy">
                <violationProcessor>tls-violations</violationProcessor>
                <onMailetException>error</onMailetException>
              </mailet>
            </processor>
            <processor state="tls-violations" enableJmx="false">
              <mailet match="dev.jamestls.james.matchers.HasClientCertificate" class="Null"/>
            </processor>
          </processors>
        </mailetcontainer>
        """;

    static final String NO_CIPHER_SUITES = "no <supportedCipherSuites>: the JDK default applies, which offers TLS 1.2 suites without"
        + " forward secrecy (static-RSA key exchange) and in CBC mode; accepted: <supportedCipherSuites> with forward-secret AEAD suites"
        + " only, e.g. TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,"
        + " TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,"
        + " TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";

    @BeforeEach
    void writeConf() throws IOException {
        conf = Files.createDirectories(jamesRoot.resolve("conf"));
        Files.copy(SAMPLE.resolve("tls-policy.xml"), conf.resolve("tls-policy.xml"));
        Files.copy(SAMPLE.resolve("tls_policy"), conf.resolve("tls_policy"));
        Files.copy(SAMPLE.resolve("jvm.properties"), conf.resolve("jvm.properties"));
        Files.writeString(conf.resolve("smtpserver.xml"), SMTPSERVER);
        Files.writeString(conf.resolve("mailetcontainer.xml"), MAILETCONTAINER);
        writeKeystore(Duration.ofDays(365));
    }

    void writeKeystore(Duration validity) throws IOException {
        Instant now = Instant.now();
        CertificateAuthority ca = CertificateAuthority.root("CN=Test CA", now);
        IssuedCertificate server = ca.leaf("CN=mx.james.local").dnsNames("mx.james.local")
            .validity(now.minus(Duration.ofDays(1)), now.plus(validity)).issue();
        PemFiles.write(SslContexts.keyStore(server, "james", SECRET.toCharArray()), conf.resolve("keystore"), SECRET.toCharArray());
    }

    int run(String... args) {
        return JamesTlsCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    @Test
    void checkPassesOnTheSampleConfiguration() {
        int code = run("check", conf.toString());

        assertThat(err.toString()).isEmpty();
        assertThat(out.toString()).isEqualTo(conf + ": 0 errors, 0 warnings\n");
        assertThat(code).isEqualTo(0);
    }

    @Test
    void checkFindsPlantedErrorsGroupedByFileWithLines() throws IOException {
        Files.writeString(conf.resolve("mailetcontainer.xml"), MAILETCONTAINER
            .replace("SentOverTls=TLSv1.2", "SentOverTls=TLSv9")
            .replace("<header>X-James-TLS</header>", "<header>X James TLS</header>")
            .replace("FromPartner=partner-example", "FromPartner=nobody")
            .replace("<includeClientIdentity>false</includeClientIdentity>", "<includeClientIdentity>yes</includeClientIdentity><colour>red</colour>")
            .replace("class=\"Null\"", "class=\"dev.jamestls.james.mailets.Quarantine\""));
        Files.writeString(conf.resolve("smtpserver.xml"), SMTPSERVER
            .replace("<protocol>TLSv1.2</protocol>", "<protocol>TLSv1.1</protocol><protocol>TLSv1.2</protocol>")
            .replace("dev.jamestls.james.smtp.TlsFactsHook", "dev.jamestls.james.matchers.SentOverTls"));
        writeKeystore(Duration.ofDays(10));

        int code = run("check", conf.toString());

        String text = out.toString().replaceAll("expires on \\S+,", "expires on DATE,");
        assertThat(text).isEqualTo(String.join("\n",
            conf.resolve("mailetcontainer.xml").toString(),
            "  6:7      error   <mailet match=\"dev.jamestls.james.matchers.SentOverTls=TLSv9\">: invalid condition 'TLSv9': unknown TLS protocol; "
                + "accepted: empty (any TLS) or TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
            "  7:9      error   <header>: invalid header 'X James TLS'; accepted: a header field name of printable US-ASCII without spaces "
                + "or ':' (RFC 5322 §3.6.8), e.g. X-James-TLS",
            "  8:9      error   <includeClientIdentity>: invalid includeClientIdentity 'yes'; accepted: true, false",
            "  8:59     error   <colour>: unknown parameter of AddTlsHeader; accepted: header, includeClientIdentity",
            "  10:7     error   <mailet match=\"dev.jamestls.james.matchers.FromPartner=nobody\">: no connector named 'nobody' in tls-policy.xml; "
                + "defined: partner-example, onprem-example, staged-example, stripped-example",
            "  19:7     error   <mailet class=\"dev.jamestls.james.mailets.Quarantine\">: unknown mailet class dev.jamestls.james.mailets.Quarantine; "
                + "accepted: dev.jamestls.james.mailets.AddTlsHeader, dev.jamestls.james.mailets.EnforceInboundTlsPolicy, dev.jamestls.james.mailets.TlsRemoteDelivery, "
                + "dev.jamestls.james.mailets.ReceiveTlsReports",
            conf.resolve("smtpserver.xml").toString(),
            "  6:5      error   <keystore>file://conf/keystore</keystore>: server certificate CN=mx.james.local expires on DATE, within 30 days",
            "  11:9     error   <protocol>: TLSv1.1 must not be enabled (RFC 8996); accepted: TLSv1.2, TLSv1.3",
            "  21:7     error   <handler class=\"dev.jamestls.james.matchers.SentOverTls\">: dev.jamestls.james.matchers.SentOverTls is a matcher, not a hook",
            conf + ": 9 errors, 0 warnings", ""));
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkReportsAnUnknownInboundFailureWithItsLineAndTheAcceptedValues() throws IOException {
        Path policy = conf.resolve("tls-policy.xml");
        String sample = Files.readString(policy);
        Files.writeString(policy, sample.replace("failure=\"temporary\">\n      <senderDomain>partner.example",
            "failure=\"retry-later\">\n      <senderDomain>partner.example"));
        int line = (int) sample.substring(0, sample.indexOf("failure=\"temporary\">\n      <senderDomain>partner.example"))
            .chars().filter(c -> c == '\n').count() + 1;

        int code = run("check", conf.toString());

        assertThat(out.toString()).contains(policy.toString() + "\n")
            .containsPattern("  " + line + ":\\d+ +error   <inbound failure=\"retry-later\">: unknown failure 'retry-later'; "
                + "accepted: temporary, permanent");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkReportsAnOptInToTlsRequiredNoThatIsNotABooleanWithItsLine() throws IOException {
        Files.writeString(conf.resolve("tls-policy.xml"), """
            <tlsPolicy>
              <connector name="lenient" mode="enforce">
                <outbound level="encrypt" honourTlsRequiredNo="yes"><recipientDomain>lenient.example</recipientDomain></outbound>
              </connector>
            </tlsPolicy>
            """);

        int code = run("check", conf.toString());

        assertThat(out.toString()).contains(conf.resolve("tls-policy.xml") + "\n")
            .containsPattern("  3:\\d+ +error   <outbound honourTlsRequiredNo=\"yes\">: not a boolean 'yes'; accepted: true, false");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkReportsASecondOutboundDefaultAndANextHopTableEntryWithTheirLines() throws IOException {
        Path policy = conf.resolve("tls-policy.xml");
        String sample = Files.readString(policy);
        String outbound = "    <outbound level=\"dane\" mtaSts=\"true\" minimumProtocol=\"TLSv1.2\" ciphers=\"forward-secret\"/>\n";
        Files.writeString(policy, sample.replace(outbound, outbound + "    <outbound level=\"encrypt\"/>\n"));
        int line = (int) sample.substring(0, sample.indexOf(outbound)).chars().filter(c -> c == '\n').count() + 2;
        Path table = conf.resolve("tls_policy");
        Files.writeString(table, "[relay.example]:587 verify\n" + Files.readString(table));

        int code = run("check", conf.toString());

        assertThat(out.toString()).contains(String.join("\n",
                policy.toString(),
                "  " + line + ":5     error   <outbound>: appears more than once in <defaults>; accepted: at most one", ""))
            .contains(String.join("\n",
                table.toString(),
                "  1:1      error   entry '[relay.example]:587': next-hop entries ([host], [host]:port) are not supported: the keys are"
                    + " recipient domains; accepted keys: domain (a recipient domain), .domain (every name below it). A smart host's level"
                    + " goes in a connector: <outbound level=...> with <recipientDomain> and <smartHost>", ""))
            .endsWith(conf + ": 2 errors, 0 warnings\n");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkReportsAParameterGivenTwiceBecauseJamesReadsOnlyTheFirst() throws IOException {
        Files.writeString(conf.resolve("mailetcontainer.xml"), MAILETCONTAINER.replace("<header>X-James-TLS</header>",
            "<header>X-James-TLS</header><header>X-TLS</header>"));

        int code = run("check", conf.toString());

        assertThat(out.toString()).isEqualTo(String.join("\n",
            conf.resolve("mailetcontainer.xml").toString(),
            "  7:37     error   <header>: given more than once to AddTlsHeader (first at line 7); James reads only the first; "
                + "accepted: each parameter once",
            conf + ": 1 error, 0 warnings", ""));
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkRequiresTlsOnEveryListenerAndWarnsWithoutSupportedProtocols() throws IOException {
        Files.writeString(conf.resolve("smtpserver.xml"), """
            <smtpservers>
              <smtpserver enabled="true"><bind>0.0.0.0:25</bind><tls socketTLS="false" startTLS="false"/></smtpserver>
              <smtpserver enabled="true"><bind>0.0.0.0:465</bind><tls socketTLS="true" startTLS="false">
                <keystore>file://conf/keystore</keystore><keystoreType>PKCS12</keystoreType><secret>changeit</secret></tls></smtpserver>
              <smtpserver enabled="true"><bind>0.0.0.0:587</bind><tls socketTLS="false" startTLS="true">
                <keystore>file://conf/missing</keystore><keystoreType>PKCS12</keystoreType><secret>changeit</secret>
                <supportedProtocols><protocol>TLSv1.3</protocol></supportedProtocols></tls></smtpserver>
              <smtpserver enabled="false"><bind>0.0.0.0:2525</bind></smtpserver>
            </smtpservers>
            """);

        int code = run("check", conf.toString());

        assertThat(out.toString()).isEqualTo(String.join("\n",
            conf.resolve("smtpserver.xml").toString(),
            "  2:3      error   <smtpserver bind=\"0.0.0.0:25\">: listener offers no TLS; accepted: <tls startTLS=\"true\"> (RFC 3207) or <tls socketTLS=\"true\"> (RFC 8314)",
            "  3:54     warning <smtpserver bind=\"0.0.0.0:465\"> <tls>: no <supportedProtocols>: the JDK default applies; accepted: "
                + "<supportedProtocols><protocol>TLSv1.2</protocol><protocol>TLSv1.3</protocol></supportedProtocols>",
            "  3:54     warning <smtpserver bind=\"0.0.0.0:465\"> <tls>: " + NO_CIPHER_SUITES,
            "  5:54     warning <smtpserver bind=\"0.0.0.0:587\"> <tls>: " + NO_CIPHER_SUITES,
            "  5:54     error   <keystore>file://conf/missing</keystore>: keystore not found (looked at " + jamesRoot.resolve("conf/missing") + ")",
            conf + ": 2 errors, 3 warnings", ""));
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkReadsTheCertificateWantedListenersLikeSmtpServerXml() throws IOException {
        Files.writeString(conf.resolve("tls-smtpserver.xml"), """
            <smtpservers>
              <smtpserver enabled="true"><bind>0.0.0.0:25</bind><tls socketTLS="false" startTLS="false"/></smtpserver>
              <smtpserver enabled="true"><bind>0.0.0.0:2525</bind><tls socketTLS="false" startTLS="true">
                <keystore>file://conf/keystore</keystore><keystoreType>PKCS12</keystoreType><secret>changeit</secret>
                <supportedProtocols><protocol>TLSv1.1</protocol><protocol>TLSv1.2</protocol></supportedProtocols>
                <supportedCipherSuites><cipherSuite>TLS_RSA_WITH_AES_128_CBC_SHA</cipherSuite></supportedCipherSuites>
                <clientAuth><truststore>file://conf/keystore</truststore></clientAuth></tls>
                <handlerchain>
                  <handler class="dev.jamestls.james.smtp.InboundTlsPolicyHook"><policyFle>conf/tls-policy.xml</policyFle></handler>
                </handlerchain></smtpserver>
            </smtpservers>
            """);

        int code = run("check", conf.toString());

        assertThat(out.toString()).isEqualTo(String.join("\n",
            conf.resolve("tls-smtpserver.xml").toString(),
            "  2:3      error   <smtpserver bind=\"0.0.0.0:25\">: listener offers no TLS; accepted: <tls startTLS=\"true\"> (RFC 3207) or <tls socketTLS=\"true\"> (RFC 8314)",
            "  3:55     error   <smtpserver bind=\"0.0.0.0:2525\"> <tls>: <clientAuth> makes the client certificate mandatory on a certificate-wanted "
                + "listener; accepted: no <clientAuth> here, or the listener in smtpserver.xml",
            "  5:25     error   <protocol>: TLSv1.1 must not be enabled (RFC 8996); accepted: TLSv1.2, TLSv1.3",
            "  6:28     warning <cipherSuite>: TLS_RSA_WITH_AES_128_CBC_SHA: no forward secrecy (static-RSA key exchange), CBC mode;"
                + " accepted: TLS 1.3 suites, and in TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305",
            "  9:69     error   <policyFle>: unknown parameter of InboundTlsPolicyHook; accepted: " + hookParameters(),
            conf + ": 4 errors, 1 warning", ""));
        assertThat(code).isEqualTo(1);
    }

    @Test
    void checkWantsTheCertificateWantedListenersFileWhenExtensionsStartThem() throws IOException {
        Files.copy(SAMPLE.resolve("extensions.properties"), conf.resolve("extensions.properties"));

        int code = run("check", conf.toString());

        assertThat(out.toString()).isEqualTo(String.join("\n",
            conf.resolve("tls-smtpserver.xml").toString(),
            "  -        error   file not found; extensions.properties starts dev.jamestls.james.listener.CertificateWantedListeners, which reads it",
            conf + ": 1 error, 0 warnings", ""));
        assertThat(code).isEqualTo(1);
    }

    static Stream<Arguments> renegotiationSettings() {
        String warning = "warning " + "jdk.tls.rejectClientInitiatedRenegotiation: %s: clients may renegotiate TLS 1.2 sessions on every listener;"
            + " accepted: jdk.tls.rejectClientInitiatedRenegotiation=true in jvm.properties (or -Djdk.tls.rejectClientInitiatedRenegotiation=true"
            + " on James's java command line, which this check cannot see)";
        return Stream.of(
            Arguments.of("the sample's setting", "jdk.tls.rejectClientInitiatedRenegotiation=true\n", "TLSv1.2", Optional.empty()),
            Arguments.of("JSSE reads the value case-insensitively", "jdk.tls.rejectClientInitiatedRenegotiation = TRUE\n", "TLSv1.2",
                Optional.empty()),
            Arguments.of("not set: the JDK allows renegotiation", "# nothing\n", "TLSv1.2", Optional.of(warning.formatted("not set"))),
            Arguments.of("explicitly allowed", "jdk.tls.rejectClientInitiatedRenegotiation=false\n", "TLSv1.2",
                Optional.of(warning.formatted("false"))),
            Arguments.of("no jvm.properties at all", null, "TLSv1.2", Optional.of(warning.formatted("not set"))),
            Arguments.of("TLS 1.3 only: RFC 8446 has no renegotiation", null, "TLSv1.3", Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renegotiationSettings")
    void checkWarnsWhenClientsMayRenegotiate(String reason, String jvmProperties, String protocol, Optional<String> expected)
        throws IOException {
        Files.deleteIfExists(conf.resolve("jvm.properties"));
        if (jvmProperties != null) {
            Files.writeString(conf.resolve("jvm.properties"), jvmProperties);
        }
        Files.writeString(conf.resolve("smtpserver.xml"), SMTPSERVER.replace("<protocol>TLSv1.2</protocol>", "<protocol>" + protocol + "</protocol>"));

        int code = run("check", conf.toString());

        if (expected.isPresent()) {
            assertThat(out.toString()).isEqualTo(conf.resolve("jvm.properties") + "\n  -        " + expected.get() + "\n"
                + conf + ": 0 errors, 1 warning\n");
        } else {
            assertThat(out.toString()).isEqualTo(conf + ": 0 errors, 0 warnings\n");
        }
        assertThat(code).isZero();
    }

    private static String hookParameters() {
        return dev.jamestls.wiring.ComponentCatalog.builtIn().find("dev.jamestls.james.smtp.InboundTlsPolicyHook").orElseThrow()
            .acceptedParameters();
    }

    @Test
    void checkPrintsJsonForMachines() throws IOException {
        Files.writeString(conf.resolve("tls_policy"), "partner.example verfy\n");

        int code = run("check", conf.toString(), "--json");

        assertThat(out.toString().trim()).isEqualTo("{\"confDir\":\"" + conf + "\",\"errors\":1,\"warnings\":0,\"findings\":["
            + "{\"file\":\"" + conf.resolve("tls_policy") + "\",\"line\":1,\"column\":1,\"severity\":\"error\","
            + "\"subject\":\"entry 'partner.example'\",\"message\":\"unknown level 'verfy'; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only\"}]}");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void explainsAConnectorRuleOutbound() {
        int code = run("explain", conf.toString(), "--recipient", "bob@Partner.Example");

        assertThat(out.toString()).isEqualTo(String.join("\n",
            "outbound: recipient bob@Partner.Example (domain partner.example)",
            "rule:     connector partner-example, mode enforce",
            "requires: level secure match mail.partner.example, TLS >= TLSv1.2, ciphers forward-secret, never clear text, failure temporary, via [localhost]:2526",
            "names:    [localhost]:2526: mail.partner.example (smart-host route: nexthop is the smart host's name)",
            "decides:  in this order, the first that applies:",
            "  1. an explicit rule: DANE and MTA-STS are not consulted (an administrator's rule outranks a published policy)",
            "  2. the rule: level secure",
            "sender:   what the sender's own TLS demand on a message changes:",
            "  - REQUIRETLS (RFC 8689 §4.2.1): only to a host whose TLS is authenticated and that lists REQUIRETLS after STARTTLS, passed on in MAIL FROM, else not sent (5.7.30); authenticated here: every host (level secure)",
            "  - TLS-Required: No (RFC 8689 §4.2.2): the rule is enforced as configured (only a connector saying honourTlsRequiredNo=\"true\" is lowered)",
            "trail:",
            "  1. applied   connector partner-example (partner.example): connector claims the domain exactly",
            "  2. outranked defaults defaults (-): defaults apply only when no rule matches", ""));
        assertThat(code).isEqualTo(0);
    }

    /** verify without match checks the host connected to; secure's nexthop is the recipient domain on an MX route. */
    @Test
    void explainNamesTheCheckedNamesOfAnMxRoute() throws IOException {
        Files.writeString(conf.resolve("tls_policy"), """
            verified.example         verify
            secured.example          secure
            """);

        assertThat(run("explain", conf.toString(), "--recipient", "a@verified.example")).isEqualTo(0);
        assertThat(run("explain", conf.toString(), "--recipient", "b@secured.example")).isEqualTo(0);

        assertThat(out.toString()).contains("names:    <the MX host name> (MX route: nexthop is the recipient domain)\n")
            .contains("names:    secured.example or .secured.example (MX route: nexthop is the recipient domain)\n");
    }

    /** On a smart-host route the smart host's name is checked (Postfix nexthop), never the recipient domain. */
    @Test
    void explainNamesTheSmartHostOnASmartHostRoute() throws IOException {
        Files.writeString(conf.resolve("tls-policy.xml"), """
            <tlsPolicy>
              <domainTable file="tls_policy"/>
              <connector name="relayed" mode="enforce">
                <outbound level="verify"><recipientDomain>relayed.example</recipientDomain>
                  <smartHost>[relay.example]:587</smartHost><smartHost>[backup.example]</smartHost></outbound>
              </connector>
              <connector name="relayed-secure" mode="enforce">
                <outbound level="secure"><recipientDomain>secure-relayed.example</recipientDomain><match>nexthop</match>
                  <match>hostname.invalid</match><smartHost>[relay.example]:587</smartHost></outbound>
              </connector>
            </tlsPolicy>
            """);

        assertThat(run("explain", conf.toString(), "--recipient", "a@relayed.example")).as(err.toString()).isEqualTo(0);
        assertThat(run("explain", conf.toString(), "--recipient", "b@secure-relayed.example")).as(err.toString()).isEqualTo(0);

        assertThat(out.toString())
            .contains("names:    [relay.example]:587: relay.example; [backup.example]:25: backup.example "
                + "(smart-host route: nexthop is the smart host's name)\n")
            .contains("names:    [relay.example]:587: relay.example or hostname.invalid (smart-host route: nexthop is the smart host's name)\n")
            .doesNotContain("names:    relayed.example");
    }

    @Test
    void explainsAConnectorRuleInboundWithTheClientIp() {
        int code = run("explain", conf.toString(), "--sender", "alice@onprem.example", "--ip", "192.0.2.10");

        assertThat(out.toString()).isEqualTo(String.join("\n",
            "inbound: sender alice@onprem.example (domain onprem.example)",
            "rule:     connector onprem-example, mode enforce",
            "requires: TLS required (clear text refused: 451 4.7.0), TLS >= TLSv1.2, client certificate named onprem.example, "
                + "revocation off, relay granted to the verified certificate, failure temporary",
            "client:   192.0.2.10: the rule restricts no IP range",
            "trail:",
            "  1. applied   connector onprem-example (onprem.example): connector claims the domain exactly",
            "  2. outranked defaults defaults (-): defaults apply only when no rule matches", ""));
        assertThat(code).isEqualTo(0);
    }

    @Test
    void explainsThatDaneThenMtaStsThenTheDefaultsDecideForADomainNoRuleNames() throws IOException {
        Files.writeString(conf.resolve("tls-policy.xml"),
            "<tlsPolicy><defaults><outbound level=\"dane\" mtaSts=\"true\"/></defaults></tlsPolicy>\n");

        int code = run("explain", conf.toString(), "--recipient", "ops@published.example");

        assertThat(out.toString()).as(err.toString()).contains(String.join("\n",
            "rule:     defaults defaults, mode enforce",
            "requires: level dane, TLS >= TLSv1.2, ciphers forward-secret, via MX",
            "decides:  in this order, the first that applies:",
            "  1. DANE: a DNSSEC-secure MX RRset, then per MX host secure addresses and usable TLSA records (RFC 7672): TLS mandatory, "
                + "the server authenticated by the records; a bogus or failed DNSSEC lookup defers (4.7.5)",
            "  2. dane: a host without usable TLSA records is tried as under may",
            "  3. MTA-STS (RFC 8461), when DANE does not apply: mode enforce: only MX hosts matching the policy, a certificate valid "
                + "for the MX name (level verify), TLS 1.2+, else deferred; mode testing: delivered as below, what enforce would refuse recorded",
            "  4. the defaults: level may",
            "sender:   what the sender's own TLS demand on a message changes:",
            "  - REQUIRETLS (RFC 8689 §4.2.1): only to a host whose TLS is authenticated and that lists REQUIRETLS after STARTTLS, passed on in MAIL FROM, else not sent (5.7.30); authenticated here: hosts with usable TLSA records under DNSSEC, "
                + "else hosts under an MTA-STS policy in mode enforce (while the policy cannot be fetched: retried, 4.7.5)",
            "  - TLS-Required: No (RFC 8689 §4.2.2): DANE and MTA-STS failures recorded, not enforced, MX hosts an MTA-STS policy "
                + "leaves out tried too; the defaults' own level may "
                + "enforced as configured",
            "trail:"));
        assertThat(code).isEqualTo(0);
    }

    @Test
    void explainsADomainTableEntry() {
        int code = run("explain", conf.toString(), "--recipient", "ops@legacy.example");

        assertThat(out.toString()).isEqualTo(String.join("\n",
            "outbound: recipient ops@legacy.example (domain legacy.example)",
            "rule:     domain table tls_policy:9 legacy.example, mode enforce",
            "requires: level encrypt, TLS >= TLSv1.2, ciphers compatible excluding 3DES RC4, never clear text, failure temporary, via MX",
            "decides:  in this order, the first that applies:",
            "  1. an explicit rule: DANE and MTA-STS are not consulted (an administrator's rule outranks a published policy)",
            "  2. the rule: level encrypt",
            "sender:   what the sender's own TLS demand on a message changes:",
            "  - REQUIRETLS (RFC 8689 §4.2.1): only to a host whose TLS is authenticated and that lists REQUIRETLS after STARTTLS, passed on in MAIL FROM, else not sent (5.7.30); authenticated here: none (level encrypt in mode enforce)",
            "  - TLS-Required: No (RFC 8689 §4.2.2): the rule is enforced as configured (only a connector saying honourTlsRequiredNo=\"true\" is lowered)",
            "trail:",
            "  1. applied   domain table tls_policy:9 legacy.example (legacy.example): table entry for the domain exactly",
            "  2. outranked defaults defaults (-): defaults apply only when no rule matches", ""));
        assertThat(code).isEqualTo(0);
    }

    @Test
    void explainsAParentDomainMatch() {
        int code = run("explain", conf.toString(), "--recipient", "ops@eu.mail.subsidiary.example");

        assertThat(out.toString()).isEqualTo(String.join("\n",
            "outbound: recipient ops@eu.mail.subsidiary.example (domain eu.mail.subsidiary.example)",
            "rule:     domain table tls_policy:7 .subsidiary.example, mode enforce",
            "requires: level encrypt, TLS >= TLSv1.2, ciphers forward-secret, never clear text, failure temporary, via MX",
            "decides:  in this order, the first that applies:",
            "  1. an explicit rule: DANE and MTA-STS are not consulted (an administrator's rule outranks a published policy)",
            "  2. the rule: level encrypt",
            "sender:   what the sender's own TLS demand on a message changes:",
            "  - REQUIRETLS (RFC 8689 §4.2.1): only to a host whose TLS is authenticated and that lists REQUIRETLS after STARTTLS, passed on in MAIL FROM, else not sent (5.7.30); authenticated here: none (level encrypt in mode enforce)",
            "  - TLS-Required: No (RFC 8689 §4.2.2): the rule is enforced as configured (only a connector saying honourTlsRequiredNo=\"true\" is lowered)",
            "trail:",
            "  1. applied   domain table tls_policy:7 .subsidiary.example (.subsidiary.example): table entry for a parent domain",
            "  2. outranked defaults defaults (-): defaults apply only when no rule matches", ""));
        assertThat(code).isEqualTo(0);
    }

    @Test
    void explainsTheDefaults() {
        int code = run("explain", conf.toString(), "--sender", "<>");

        assertThat(out.toString()).isEqualTo(String.join("\n",
            "inbound: sender <> (null sender)",
            "rule:     defaults defaults, mode enforce",
            "requires: TLS optional (clear text accepted), TLS >= TLSv1.2, no client certificate, no relay",
            "trail:",
            "  1. applied   defaults defaults (-): no connector or table entry applies", ""));
        assertThat(code).isEqualTo(0);
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run()).isEqualTo(2);
        assertThat(run("explain", conf.toString())).isEqualTo(2);
        assertThat(run("explain", conf.toString(), "--sender", "not-an-address")).isEqualTo(2);
        assertThat(err.toString()).contains("--sender: not an e-mail address 'not-an-address'; accepted: local@domain, or <> for the null sender");
        assertThat(run("check", jamesRoot.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(run("frobnicate")).isEqualTo(2);
    }

    @Test
    void printsVersionAndHelp() {
        assertThat(run("--version")).isEqualTo(0);
        assertThat(out.toString()).startsWith("james-tls 0.1.0-SNAPSHOT (built for Apache James 3.8.1)");
        assertThat(run("--help")).isEqualTo(0);
        assertThat(out.toString()).contains("check", "explain", "Exit codes:");
    }
}
