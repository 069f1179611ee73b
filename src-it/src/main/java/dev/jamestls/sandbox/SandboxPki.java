package dev.jamestls.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.pki.SslContexts;
import dev.jamestls.tls.PemFiles;

/**
 * Writes the sandbox's demo PKI, with keys generated fresh on this machine:
 *
 * <pre>
 * ca.pem, ca.key            demo root CA "CN=james-tls sandbox CA"
 * server.pem, server.key    James's certificate: james.local, localhost (serverAuth)
 * partner.pem, partner.key  partner.example client certificate (clientAuth)
 * onprem.pem, onprem.key    onprem.example client certificate (clientAuth)
 * mail-partner.pem, .key    mail.partner.example server certificate (serverAuth): the demo's
 *                           loopback destination for mail to partner.example
 * mail-dane.pem, .key       mx.dane.example and mx.dane-wrong.example (serverAuth): the demo's DANE
 *                           destinations; dane.example's TLSA record is its key's digest
 * mail-sts.pem, .key        mx.sts.example (serverAuth): the demo's MTA-STS destination
 * mta-sts.pem, .key         mta-sts.sts.example (serverAuth): the HTTPS host of sts.example's policy
 * truststore.p12            the CA as PKCS#12 trust store (James's clientAuth truststore)
 * </pre>
 *
 * Certificate files hold the leaf then its issuer; keys are unencrypted PKCS#8
 * PEM, readable by the owner only. An existing complete PKI is kept, so
 * rebuilding the sandbox does not invalidate certificates already handed out;
 * delete the folder to get a new one.
 *
 * <p>Usage: {@code SandboxPki <pki-dir>}
 */
public final class SandboxPki {
    public static final String CA = "ca.pem";
    public static final String CA_KEY = "ca.key";
    public static final String SERVER = "server.pem";
    public static final String SERVER_KEY = "server.key";
    public static final String PARTNER = "partner.pem";
    public static final String PARTNER_KEY = "partner.key";
    public static final String ONPREM = "onprem.pem";
    public static final String ONPREM_KEY = "onprem.key";
    public static final String PARTNER_MX = "mail-partner.pem";
    public static final String PARTNER_MX_KEY = "mail-partner.key";
    public static final String DANE_MX = "mail-dane.pem";
    public static final String DANE_MX_KEY = "mail-dane.key";
    public static final String STS_MX = "mail-sts.pem";
    public static final String STS_MX_KEY = "mail-sts.key";
    public static final String STS_POLICY_HOST = "mta-sts.pem";
    public static final String STS_POLICY_HOST_KEY = "mta-sts.key";
    public static final String TRUSTSTORE = "truststore.p12";
    /** Must match {@code <truststoreSecret>} in the sample smtpserver.xml. */
    public static final String TRUSTSTORE_SECRET = "sandbox-truststore";

    static final List<String> FILES = List.of(CA, CA_KEY, SERVER, SERVER_KEY, PARTNER, PARTNER_KEY, ONPREM, ONPREM_KEY,
        PARTNER_MX, PARTNER_MX_KEY, DANE_MX, DANE_MX_KEY, STS_MX, STS_MX_KEY, STS_POLICY_HOST, STS_POLICY_HOST_KEY, TRUSTSTORE);

    private SandboxPki() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SandboxPki <pki-dir>");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        if (isComplete(directory)) {
            System.out.println("james-tls sandbox: keeping the demo PKI in " + directory);
            return;
        }
        write(directory, Instant.now());
        System.out.println("james-tls sandbox: wrote a new demo PKI to " + directory);
    }

    public static boolean isComplete(Path directory) {
        return FILES.stream().allMatch(name -> Files.isRegularFile(directory.resolve(name)));
    }

    /** Generates every file of the demo PKI into {@code directory}, replacing what is there. */
    public static void write(Path directory, Instant now) throws IOException {
        Files.createDirectories(directory);
        CertificateAuthority ca = CertificateAuthority.root("CN=james-tls sandbox CA,O=james-tls sandbox", now);
        IssuedCertificate server = serverCertificate(ca, "CN=james.local,O=james-tls sandbox", "james.local", "localhost");
        IssuedCertificate partner = ca.leaf("CN=partner.example,O=Partner Example")
            .dnsNames("partner.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH)
            .issue();
        IssuedCertificate onprem = ca.leaf("CN=onprem.example,O=On-Premises Example")
            .dnsNames("onprem.example")
            .extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH)
            .issue();

        IssuedCertificate partnerMx = serverCertificate(ca, "CN=mail.partner.example,O=Partner Example", "mail.partner.example");
        IssuedCertificate daneMx = serverCertificate(ca, "CN=mx.dane.example,O=DANE Example", "mx.dane.example", "mx.dane-wrong.example");
        IssuedCertificate stsMx = serverCertificate(ca, "CN=mx.sts.example,O=STS Example", "mx.sts.example");
        IssuedCertificate stsPolicyHost = serverCertificate(ca, "CN=mta-sts.sts.example,O=STS Example", "mta-sts.sts.example");

        PemFiles.writeCertificates(directory.resolve(CA), List.of(ca.certificate().certificate()));
        writeKey(directory.resolve(CA_KEY), ca.certificate());
        writeIdentity(directory.resolve(SERVER), directory.resolve(SERVER_KEY), server);
        writeIdentity(directory.resolve(PARTNER), directory.resolve(PARTNER_KEY), partner);
        writeIdentity(directory.resolve(ONPREM), directory.resolve(ONPREM_KEY), onprem);
        writeIdentity(directory.resolve(PARTNER_MX), directory.resolve(PARTNER_MX_KEY), partnerMx);
        writeIdentity(directory.resolve(DANE_MX), directory.resolve(DANE_MX_KEY), daneMx);
        writeIdentity(directory.resolve(STS_MX), directory.resolve(STS_MX_KEY), stsMx);
        writeIdentity(directory.resolve(STS_POLICY_HOST), directory.resolve(STS_POLICY_HOST_KEY), stsPolicyHost);
        PemFiles.write(SslContexts.trustStore(List.of(ca.certificate().certificate())),
            directory.resolve(TRUSTSTORE), TRUSTSTORE_SECRET.toCharArray());
    }

    /** A server certificate (EKU serverAuth) for {@code names}, issued by the demo CA. */
    private static IssuedCertificate serverCertificate(CertificateAuthority ca, String subject, String... names) {
        return ca.leaf(subject).dnsNames(names).extendedKeyUsages(ExtendedKeyUsage.SERVER_AUTH).issue();
    }

    private static void writeIdentity(Path certificateFile, Path keyFile, IssuedCertificate identity) throws IOException {
        // Leaf then issuer (RFC 8446 §4.4.2 order); the root is sent too so a
        // client given only this file can show the whole chain.
        PemFiles.writeCertificates(certificateFile, identity.fullChain());
        writeKey(keyFile, identity);
    }

    private static void writeKey(Path keyFile, IssuedCertificate identity) throws IOException {
        PemFiles.writePrivateKey(keyFile, identity.keyPair().getPrivate());
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (Windows): the file keeps its default permissions.
        }
    }
}
