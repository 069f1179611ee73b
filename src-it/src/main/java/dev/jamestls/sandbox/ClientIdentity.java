package dev.jamestls.sandbox;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.tls.PemFiles;

/** A client certificate chain and its private key, read from the PEM files of the demo PKI. */
public final class ClientIdentity {
    private ClientIdentity() {
    }

    /**
     * @param certificateFile leaf first, then its issuers (e.g. {@code pki/partner.pem})
     * @param keyFile the leaf's unencrypted PKCS#8 key (e.g. {@code pki/partner.key})
     */
    public static IssuedCertificate read(Path certificateFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = PemFiles.readCertificates(certificateFile);
        X509Certificate leaf = chain.get(0);
        KeyPair keyPair = new KeyPair(leaf.getPublicKey(), PemFiles.readPrivateKey(keyFile));
        return new IssuedCertificate(leaf, keyPair, chain.subList(1, chain.size()));
    }
}
