package dev.jamestls.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;


/**
 * The certificate we present when a destination asks for one (RFC 8446 §4.3.2 CertificateRequest,
 * RFC 5246 §7.4.4): a private key and its chain, leaf first, as Postfix's {@code smtp_tls_chain_files}
 * or {@code smtp_tls_cert_file}/{@code smtp_tls_key_file}. Read from a PEM key and chain, or a key store.
 * The key must belong to the leaf (checked at load by a signature with the key, verified with the
 * leaf's public key).
 * <p>
 * Equality is by content: the SHA-256 over the key's and the certificates' encodings. TLS contexts
 * presenting this identity are keyed by it, so a renewed certificate or key gets a new context and never
 * resumes a session authenticated with the old one. {@link #toString()} never prints the key.
 */
public final class ClientIdentity {
    /** RFC 5280 §4.2.1.12: id-kp-clientAuth. */
    static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** RFC 5280 §4.2.1.12: anyExtendedKeyUsage. */
    static final String ANY_EXTENDED_KEY_USAGE = "2.5.29.37.0";
    /** Warn this long before the certificate expires (as {@code check} does for the server certificate). */
    public static final Duration EXPIRY_MARGIN = Duration.ofDays(30);

    private final String source;
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final String sha256;

    /**
     * @param source where it was read from, printable
     * @throws IllegalArgumentException when the chain is empty or the key does not belong to the leaf
     */
    public ClientIdentity(String source, PrivateKey key, List<X509Certificate> chain) {
        this.source = Objects.requireNonNull(source, "source");
        this.key = Objects.requireNonNull(key, "key");
        this.chain = List.copyOf(chain);
        if (this.chain.isEmpty()) {
            throw new IllegalArgumentException(source + ": no certificate; accepted: the client certificate first, then its intermediates");
        }
        requireMatchingKey(source, key, this.chain.get(0));
        this.sha256 = digest(key, this.chain);
    }

    /** A finding about the identity that makes partners refuse it. */
    public enum FindingKind implements Spelled {
        EXPIRED,
        EXPIRES_SOON,
        NOT_YET_VALID,
        /** RFC 5280 §4.2.1.12: an EKU extension without clientAuth (or anyExtendedKeyUsage) forbids TLS client use. */
        NO_CLIENT_AUTH;
    }

    /** One finding, with the message an administrator reads. */
    public record Finding(FindingKind kind, String message) {
    }

    /**
     * A PEM private key (PKCS#8, or PKCS#1/SEC1, unencrypted) and a PEM chain file, leaf first. The key
     * may also be in the chain file (Postfix {@code smtp_tls_chain_files}): then {@code keyFile} is the same file.
     *
     * @throws IllegalArgumentException naming the file and the accepted forms
     */
    public static ClientIdentity fromPem(Path keyFile, Path chainFile) {
        PrivateKey key = readKey(keyFile);
        List<X509Certificate> chain = readChain(chainFile);
        return new ClientIdentity(chainFile.getFileName() + (keyFile.equals(chainFile) ? "" : " + " + keyFile.getFileName()), key, chain);
    }

    /** The key store types a client identity may be read from. */
    public static final String KEY_STORE_TYPES = "PKCS12, JKS";

    /**
     * @return {@code type} when it is one of {@link #KEY_STORE_TYPES}
     * @throws IllegalArgumentException naming the type and the accepted ones
     */
    public static String keyStoreType(String type) {
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            throw new IllegalArgumentException("unknown key store type '" + type + "'; accepted: " + KEY_STORE_TYPES);
        }
        return type;
    }

    /**
     * The key entry of a key store; {@code alias} empty: the store must hold exactly one.
     *
     * @param type {@code PKCS12} or {@code JKS}
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static ClientIdentity fromKeyStore(Path file, String type, char[] password, Optional<String> alias) {
        keyStoreType(type);
        KeyStore store;
        try (var in = Files.newInputStream(file)) {
            store = KeyStore.getInstance(type);
            store.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("key store " + file + " not found");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("key store " + file + " does not load as " + type + " with the configured password: "
                + e.getMessage());
        }
        try {
            List<String> keys = new ArrayList<>();
            for (String name : Collections.list(store.aliases())) {
                if (store.isKeyEntry(name)) {
                    keys.add(name);
                }
            }
            Collections.sort(keys);
            String chosen;
            if (alias.isPresent()) {
                if (!keys.contains(alias.get())) {
                    throw new IllegalArgumentException("key store " + file + " has no key entry '" + alias.get() + "'; key entries: " + keys);
                }
                chosen = alias.get();
            } else if (keys.size() == 1) {
                chosen = keys.get(0);
            } else {
                throw new IllegalArgumentException("key store " + file + " holds " + (keys.isEmpty() ? "no key entry"
                    : "several key entries " + keys + "; name one with the alias parameter"));
            }
            Certificate[] certificates = store.getCertificateChain(chosen);
            if (certificates == null || certificates.length == 0 || !(certificates[0] instanceof X509Certificate)) {
                throw new IllegalArgumentException("key store " + file + ": entry '" + chosen + "' has no X.509 certificate chain");
            }
            PrivateKey key = (PrivateKey) store.getKey(chosen, password);
            return new ClientIdentity(file.getFileName() + " (" + type + ", alias " + chosen + ")", key,
                Arrays.stream(certificates).map(X509Certificate.class::cast).toList());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key store " + file + " cannot be read: " + e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    public PrivateKey key() {
        return key;
    }

    /** Leaf first. */
    public List<X509Certificate> chain() {
        return chain;
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Lower-case hex SHA-256 over the key and the chain: the identity's content key. */
    public String sha256() {
        return sha256;
    }

    /**
     * Whether this identity can answer a JSSE key type request: {@code RSA}, {@code EC}, {@code EdDSA},
     * {@code RSASSA-PSS}, or TLS 1.2 forms such as {@code EC_EC}, {@code RSA} (the part before {@code _}).
     */
    public boolean suits(String keyType) {
        String wanted = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
        String algorithm = key.getAlgorithm();
        return wanted.equals(algorithm)
            || wanted.equals("RSASSA-PSS") && algorithm.equals("RSA")
            || wanted.equals("EdDSA") && (algorithm.equals("Ed25519") || algorithm.equals("Ed448"));
    }

    /** What makes partners refuse this identity at {@code now}: expiry, validity, EKU (RFC 5280 §4.2.1.12). */
    public List<Finding> findings(Instant now) {
        List<Finding> findings = new ArrayList<>();
        X509Certificate leaf = leaf();
        String who = "client certificate '" + leaf.getSubjectX500Principal().getName() + "'";
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (now.isAfter(notAfter)) {
            findings.add(new Finding(FindingKind.EXPIRED, who + " expired on " + notAfter));
        } else if (now.plus(EXPIRY_MARGIN).isAfter(notAfter)) {
            findings.add(new Finding(FindingKind.EXPIRES_SOON, who + " expires on " + notAfter + ", within "
                + EXPIRY_MARGIN.toDays() + " days"));
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            findings.add(new Finding(FindingKind.NOT_YET_VALID, who + " is not valid before " + leaf.getNotBefore().toInstant()));
        }
        forbiddenForClients(leaf).ifPresent(usages -> findings.add(new Finding(FindingKind.NO_CLIENT_AUTH, who
            + " has extended key usages " + usages + " without clientAuth (" + CLIENT_AUTH
            + "); partners verifying it as a TLS client refuse it (RFC 5280 §4.2.1.12)")));
        return List.copyOf(findings);
    }

    /**
     * The certificate's extended key usages when they forbid TLS client use (RFC 5280 §4.2.1.12: an EKU extension
     * without clientAuth or anyExtendedKeyUsage); empty when it may be used as a client certificate.
     */
    public static Optional<List<String>> forbiddenForClients(X509Certificate certificate) {
        List<String> usages = extendedKeyUsages(certificate);
        return usages.isEmpty() || usages.contains(CLIENT_AUTH) || usages.contains(ANY_EXTENDED_KEY_USAGE)
            ? Optional.empty() : Optional.of(usages);
    }

    /** {@code chain.pem + key.pem: subject 'CN=...', SPKI pin '...', valid until ...}: never the key. */
    public String describe() {
        X509Certificate leaf = leaf();
        return source + ": subject '" + leaf.getSubjectX500Principal().getName() + "', issuer '"
            + leaf.getIssuerX500Principal().getName() + "', SPKI pin '" + CertificatePins.spkiSha256(leaf) + "', valid until "
            + leaf.getNotAfter().toInstant();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClientIdentity identity && identity.sha256.equals(sha256);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "ClientIdentity[" + describe() + ", sha256 " + sha256 + "]";
    }

    private static List<String> extendedKeyUsages(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null ? List.of() : List.copyOf(usages);
        } catch (CertificateParsingException e) {
            // An EKU extension that cannot be parsed allows nothing.
            return List.of("unparseable");
        }
    }

    /** The CERTIFICATE blocks of a PEM file in order; other blocks (a key, as in Postfix chain files) are skipped. */
    private static List<X509Certificate> readChain(Path file) {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(file, StandardCharsets.US_ASCII))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("certificate file " + file + " not found");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("certificate file " + file + " does not parse as PEM; accepted: PEM CERTIFICATE blocks,"
                + " the client certificate first");
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate file " + file + " holds no certificate; accepted: PEM CERTIFICATE blocks,"
                + " the client certificate first");
        }
        return chain;
    }

    private static PrivateKey readKey(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("private key file " + file + " not found");
        } catch (IOException e) {
            throw new IllegalArgumentException("private key file " + file + " cannot be read: " + e.getMessage());
        }
        // The key may share its file with the chain (Postfix smtp_tls_chain_files): skip certificate blocks.
        try (PEMParser parser = new PEMParser(new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.US_ASCII))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (object instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (!(object instanceof X509CertificateHolder)) {
                    throw new IllegalArgumentException("private key file " + file + " holds " + object.getClass().getSimpleName()
                        + " (an encrypted key?); accepted: an unencrypted PEM 'PRIVATE KEY' (PKCS#8), 'RSA PRIVATE KEY' or 'EC PRIVATE KEY'");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("private key file " + file + " is not PEM: " + e.getMessage());
        }
        throw new IllegalArgumentException("private key file " + file + " holds no private key; accepted: an unencrypted PEM"
            + " 'PRIVATE KEY' (PKCS#8), 'RSA PRIVATE KEY' or 'EC PRIVATE KEY'");
    }

    private static void requireMatchingKey(String source, PrivateKey key, X509Certificate leaf) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            default -> throw new IllegalArgumentException(source + ": unsupported key algorithm " + key.getAlgorithm()
                + "; accepted: RSA, EC, EdDSA");
        };
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(source + ": the private key does not belong to the certificate '"
                + leaf.getSubjectX500Principal().getName() + "' (SPKI pin '" + CertificatePins.spkiSha256(leaf)
                + "'); accepted: the key of the first certificate of the chain");
        }
    }

    private static String digest(PrivateKey key, List<X509Certificate> chain) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(key.getEncoded());
            for (X509Certificate certificate : chain) {
                digest.update(certificate.getEncoded());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the identity cannot be encoded: " + e.getMessage(), e);
        }
    }
}
