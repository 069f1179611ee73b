package dev.jamestls.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;

/** PEM (RFC 7468) input and output for certificates, keys and CRLs, and PKCS#12 key stores written to files. */
public final class PemFiles {
    private PemFiles() {
    }

    /** Certificates as concatenated {@code CERTIFICATE} blocks, in the order given. */
    public static String certificates(List<X509Certificate> certificates) {
        return pem("certificates", certificates);
    }

    /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} block (what James's {@code <privateKey>} reads). */
    public static String privateKey(PrivateKey key) {
        return pem("private key", List.of(new PemObject("PRIVATE KEY", key.getEncoded())));
    }

    public static String crl(X509CRL crl) {
        return pem("CRL", List.of(crl));
    }

    private static String pem(String what, List<?> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + what, e);
        }
        return out.toString();
    }

    public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
        Files.writeString(file, certificates(certificates), StandardCharsets.US_ASCII);
    }

    public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        Files.writeString(file, privateKey(key), StandardCharsets.US_ASCII);
    }

    /**
     * Every certificate of a PEM or DER file.
     *
     * @throws IOException naming the file when it holds no certificate or cannot be parsed
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> result = parseCertificates(in, file.toString());
            if (result.isEmpty()) {
                throw new IOException(file + ": no certificate found (expected PEM 'BEGIN CERTIFICATE' blocks or DER)");
            }
            return result;
        }
    }

    /**
     * Every certificate of a PEM or DER stream, in order (possibly none).
     *
     * @param source names the stream in the error, e.g. a file or attribute name
     * @throws IOException wrapping the {@link CertificateException} when the content is not certificates
     */
    public static List<X509Certificate> parseCertificates(InputStream in, String source) throws IOException {
        try {
            List<X509Certificate> result = new ArrayList<>();
            for (java.security.cert.Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                result.add((X509Certificate) certificate);
            }
            return List.copyOf(result);
        } catch (CertificateException e) {
            throw new IOException(source + ": not a certificate file: " + e.getMessage(), e);
        }
    }

    /** A PKCS#8 or traditional (PKCS#1 / SEC1) unencrypted private key from a PEM file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException(file + ": no unencrypted private key found (expected 'BEGIN PRIVATE KEY'), got "
                + (object == null ? "nothing" : object.getClass().getSimpleName()));
        }
    }

    public static void write(KeyStore store, Path file, char[] password) throws IOException {
        try (var out = Files.newOutputStream(file)) {
            store.store(out, password);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot write key store " + file, e);
        }
    }
}
