package dev.jamestls.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a James 3.8.1 conf folder for one test James: local domain
 * {@code james.local}, in-memory repositories under {@code memory://var/mail/},
 * the SMTP listeners and handler chain of the test, and its mailet pipeline.
 */
final class JamesConf {
    static final String ERROR_REPOSITORY = "memory://var/mail/error/";
    static final String TRANSPORT_REPOSITORY = "memory://var/mail/transport/";

    private JamesConf() {
    }

    static void write(Path conf, TestPki pki, Map<String, Integer> ports, List<Listener> listeners, List<String> handlers,
                      String rootProcessor, String extraProcessors, String authorizedAddresses,
                      Map<String, String> extraFiles) throws IOException {
        Files.createDirectories(conf);
        pki.writeTo(conf);
        write(conf, "domainlist.xml", """
            <domainlist class="org.apache.james.domainlist.memory.MemoryDomainList">
              <domainnames><domainname>james.local</domainname></domainnames>
              <autodetect>false</autodetect>
              <autodetectIP>false</autodetectIP>
              <defaultDomain>james.local</defaultDomain>
            </domainlist>
            """);
        write(conf, "dnsservice.xml", """
            <dnsservice>
              <servers><server>127.0.0.1</server></servers>
              <autodiscover>false</autodiscover>
              <authoritative>false</authoritative>
              <maxcachesize>50000</maxcachesize>
            </dnsservice>
            """);
        write(conf, "usersrepository.xml", """
            <usersrepository name="LocalUsers">
              <algorithm>PBKDF2-SHA512</algorithm>
              <enableVirtualHosting>true</enableVirtualHosting>
            </usersrepository>
            """);
        write(conf, "mailrepositorystore.xml", """
            <mailrepositorystore>
              <defaultProtocol>memory</defaultProtocol>
              <mailrepositories>
                <mailrepository class="org.apache.james.mailrepository.memory.MemoryMailRepository">
                  <protocols><protocol>memory</protocol></protocols>
                  <config/>
                </mailrepository>
              </mailrepositories>
            </mailrepositorystore>
            """);
        write(conf, "mailetcontainer.xml", """
            <mailetcontainer enableJmx="false">
              <context><postmaster>postmaster@james.local</postmaster></context>
              <spooler><threads>2</threads><errorRepository>%s</errorRepository></spooler>
              <processors enableJmx="false">
                <processor state="root" enableJmx="false">
            %s
                </processor>
                <processor state="error" enableJmx="false">
                  <mailet match="All" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
                </processor>
                <processor state="transport" enableJmx="false">
                  <mailet match="All" class="RemoveMimeHeader"><name>bcc</name></mailet>
                  <mailet match="All" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
                </processor>
            %s
              </processors>
            </mailetcontainer>
            """.formatted(ERROR_REPOSITORY, rootProcessor, ERROR_REPOSITORY, TRANSPORT_REPOSITORY, extraProcessors));
        String handlerChain = handlers.stream().map(h -> "      " + h).collect(Collectors.joining("\n"));
        String servers = listeners.stream().filter(listener -> !listener.certificateWanted())
            .map(listener -> smtpServer(listener, ports.get(listener.name()), handlerChain, authorizedAddresses))
            .collect(Collectors.joining("\n"));
        write(conf, "smtpserver.xml", "<smtpservers>\n" + servers + "\n</smtpservers>\n");
        String wanted = listeners.stream().filter(Listener::certificateWanted)
            .map(listener -> smtpServer(listener, ports.get(listener.name()), handlerChain, authorizedAddresses))
            .collect(Collectors.joining("\n"));
        if (!wanted.isEmpty()) {
            write(conf, "tls-smtpserver.xml", "<smtpservers>\n" + wanted + "\n</smtpservers>\n");
        }
        for (Map.Entry<String, String> file : extraFiles.entrySet()) {
            write(conf, file.getKey(), file.getValue());
        }
    }

    private static String smtpServer(Listener listener, int port, String handlerChain, String authorizedAddresses) {
        String tls = switch (listener.tls()) {
            case NONE -> "";
            case STARTTLS, IMPLICIT -> """
                    <tls socketTLS="%s" startTLS="%s">
                      <privateKey>file://conf/server.key</privateKey>
                      <certificates>file://conf/server.pem</certificates>
                      <supportedProtocols><protocol>TLSv1.2</protocol><protocol>TLSv1.3</protocol></supportedProtocols>
                %s    </tls>
                """.formatted(listener.tls() == Listener.Tls.IMPLICIT, listener.tls() == Listener.Tls.STARTTLS,
                listener.requireClientCertificate() ? """
                      <clientAuth>
                        <truststore>file://conf/clients-truststore.p12</truststore>
                        <truststoreType>PKCS12</truststoreType>
                        <truststoreSecret>%s</truststoreSecret>
                      </clientAuth>
                """.formatted(TestPki.PASSWORD) : "");
        };
        return """
              <smtpserver enabled="true">
                <jmxName>smtpserver-%s</jmxName>
                <bind>127.0.0.1:%d</bind>
                <connectionBacklog>200</connectionBacklog>
            %s    <helloName autodetect="false">james.local</helloName>
                <connectiontimeout>60</connectiontimeout>
                <connectionLimit>0</connectionLimit>
                <connectionLimitPerIP>0</connectionLimitPerIP>
                <authRequired>false</authRequired>
                <authorizedAddresses>%s</authorizedAddresses>
                <verifyIdentity>false</verifyIdentity>
                <maxmessagesize>0</maxmessagesize>
                <addressBracketsEnforcement>true</addressBracketsEnforcement>
                <handlerchain>
            %s
                </handlerchain>
              </smtpserver>""".formatted(listener.name(), port, tls, authorizedAddresses, handlerChain);
    }

    private static void write(Path conf, String name, String content) throws IOException {
        Files.writeString(conf.resolve(name), content, StandardCharsets.UTF_8);
    }
}
