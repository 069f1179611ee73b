package dev.jamestls.james.listener;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

/** Creates the certificate-wanted listeners declared in {@code conf/tls-smtpserver.xml}. */
public class CertificateWantedSmtpServerFactory extends SMTPServerFactory {

    @Inject
    public CertificateWantedSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                             MetricFactory metricFactory) {
        super(dns, loader, fileSystem, metricFactory);
    }

    @Override
    protected SMTPServer createServer() {
        return new CertificateWantedSmtpServer(smtpMetrics, fileSystem);
    }
}
