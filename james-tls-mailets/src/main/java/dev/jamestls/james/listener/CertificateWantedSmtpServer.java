package dev.jamestls.james.listener;

import java.io.IOException;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.lib.SslConfig;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import dev.jamestls.tls.KeyStoreChains;
import dev.jamestls.tls.PemFiles;

/**
 * James's SMTP server with one difference: its TLS asks for a client
 * certificate without requiring it ({@link ClientAuth#WANT}) and records
 * whatever is presented. Same configuration format as {@code smtpserver.xml};
 * {@code <clientAuth>} is refused here (use a listener in smtpserver.xml for
 * "certificate required").
 */
public class CertificateWantedSmtpServer extends SMTPServer {
    private static final char[] TRANSIENT = "transient".toCharArray();

    private final FileSystem files;
    private SslConfig tls;

    public CertificateWantedSmtpServer(SmtpMetrics metrics, FileSystem files) {
        super(metrics);
        this.files = files;
    }

    @Override
    public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        super.doConfigure(configuration);
        tls = SslConfig.parse(configuration);
        String jmxName = configuration.getString("jmxName", "");
        if (!tls.useStartTLS() && !tls.useSSL()) {
            throw new ConfigurationException("certificate-wanted listener " + jmxName
                + ": <tls startTLS=\"true\"> or <tls socketTLS=\"true\"> is required (the listener exists to ask for client certificates)");
        }
        if (tls.getClientAuth() == ClientAuth.NEED) {
            throw new ConfigurationException("certificate-wanted listener " + jmxName
                + ": <clientAuth> makes a certificate mandatory; remove it here, or declare this listener in smtpserver.xml instead");
        }
    }

    @Override
    protected void buildSSLContext() throws Exception {
        SSLContext jsse = SSLContext.getInstance("TLS");
        jsse.init(keyManagers().getKeyManagers(), new TrustManager[] {new RecordingClientTrustManager()}, null);
        SSLContext context = AskingListenerContext.of(jsse);
        encryption = tls.useStartTLS()
            ? Encryption.createStartTls(context, tls.getEnabledCipherSuites(), tls.getEnabledProtocols(), ClientAuth.WANT)
            : Encryption.createTls(context, tls.getEnabledCipherSuites(), tls.getEnabledProtocols(), ClientAuth.WANT);
    }

    private KeyManagerFactory keyManagers() throws Exception {
        KeyStore store;
        char[] secret = tls.getSecret() == null ? new char[0] : tls.getSecret().toCharArray();
        if (tls.getKeystore() != null) {
            try (InputStream in = files.getResource(tls.getKeystore())) {
                store = KeyStoreChains.load(in, tls.getKeystoreType(), secret);
            }
        } else if (tls.getPrivateKey() != null && tls.getCertificates() != null) {
            store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            secret = TRANSIENT;
            store.setKeyEntry("server", privateKey(tls.getPrivateKey()), secret, certificates(tls.getCertificates()));
        } else {
            throw new ConfigurationException("certificate-wanted listener: <tls> needs <keystore> or <privateKey> and <certificates>");
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, secret);
        return factory;
    }

    private PrivateKey privateKey(String location) throws IOException {
        return PemFiles.readPrivateKey(files.getFile(location).toPath());
    }

    private Certificate[] certificates(String location) throws Exception {
        try (InputStream in = files.getResource(location)) {
            return PemFiles.parseCertificates(in, location).toArray(Certificate[]::new);
        }
    }
}
