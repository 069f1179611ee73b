package dev.jamestls.james.expiry;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.ConfigurationProvider;

import dev.jamestls.expiry.CertificateRole;
import dev.jamestls.expiry.WatchedCertificate;
import dev.jamestls.tls.KeyStoreChains;
import dev.jamestls.tls.PemFiles;

/**
 * Reads the certificates our TLS listeners present, as James configures them: every enabled
 * {@code <smtpserver>} of {@code smtpserver.xml} and of {@code tls-smtpserver.xml} (the certificate-wanted
 * listeners) whose {@code <tls>} has {@code startTLS} or {@code socketTLS}, from its {@code <keystore>}
 * ({@code <keystoreType>} JKS or PKCS12, {@code <secret>}) or its {@code <certificates>} PEM file.
 */
final class ListenerCertificates {
    static final List<String> CONFIGURATIONS = List.of("smtpserver", "tls-smtpserver");

    private final ConfigurationProvider configurationProvider;
    private final FileSystem fileSystem;

    ListenerCertificates(ConfigurationProvider configurationProvider, FileSystem fileSystem) {
        this.configurationProvider = configurationProvider;
        this.fileSystem = fileSystem;
    }

    /** The certificates one listener presents, leaf first, as its key material holds them. */
    record ListenerChain(CertificateRole role, List<X509Certificate> chain) {
        ListenerChain {
            chain = List.copyOf(chain);
        }

        List<WatchedCertificate> watched() {
            return chain.stream().map(certificate -> WatchedCertificate.of(certificate, role)).toList();
        }
    }

    /**
     * Every certificate of every TLS listener's key material (each chain whole: an intermediate that expires
     * breaks the chain as surely as the leaf).
     *
     * @throws IllegalStateException naming the file, the listener and the element when one does not load
     */
    List<WatchedCertificate> read() {
        return watched(chains());
    }

    /** Every certificate of {@code chains}, each in its listener's role. */
    static List<WatchedCertificate> watched(List<ListenerChain> chains) {
        return chains.stream().flatMap(chain -> chain.watched().stream()).toList();
    }

    /**
     * The chain of every TLS listener, as {@link #read()} finds them.
     *
     * @throws IllegalStateException naming the file, the listener and the element when one does not load
     */
    List<ListenerChain> chains() {
        List<ListenerChain> chains = new ArrayList<>();
        for (String name : CONFIGURATIONS) {
            if (!configurationFileExists(name)) {
                continue;
            }
            HierarchicalConfiguration<ImmutableNode> configuration;
            try {
                configuration = configurationProvider.getConfiguration(name);
            } catch (ConfigurationException e) {
                throw new IllegalStateException("conf/" + name + ".xml: " + e.getMessage(), e);
            }
            for (HierarchicalConfiguration<ImmutableNode> server : configuration.configurationsAt("smtpserver")) {
                if (!server.getBoolean("[@enabled]", true)
                    || !(server.getBoolean("tls.[@startTLS]", false) || server.getBoolean("tls.[@socketTLS]", false))) {
                    continue;
                }
                String bind = server.getString("bind", "?");
                String listener = server.getString("jmxName", "smtpserver") + " (" + bind + ")";
                String where = "conf/" + name + ".xml <smtpserver> " + listener;
                chains.add(new ListenerChain(CertificateRole.listener(listener), chain(server, where)));
            }
        }
        return chains;
    }

    private boolean configurationFileExists(String name) {
        try {
            return fileSystem.getFile(FileSystem.FILE_PROTOCOL_AND_CONF + name + ".xml").exists();
        } catch (FileNotFoundException e) {
            return false;
        }
    }

    private List<X509Certificate> chain(HierarchicalConfiguration<ImmutableNode> server, String where) {
        String keystore = server.getString("tls.keystore", "");
        String certificates = server.getString("tls.certificates", "");
        if (!keystore.isEmpty()) {
            String type = server.getString("tls.keystoreType", "JKS");
            if (!type.equals("JKS") && !type.equals("PKCS12")) {
                throw new IllegalStateException(where + ": unknown <keystoreType> '" + type + "'; accepted: JKS, PKCS12");
            }
            return keystoreChains(file(keystore, where, "<keystore>"), type, server.getString("tls.secret", ""), where, keystore);
        }
        if (!certificates.isEmpty()) {
            try {
                return PemFiles.readCertificates(file(certificates, where, "<certificates>").toPath());
            } catch (IOException e) {
                throw new IllegalStateException(where + ": <certificates> " + certificates + " does not load: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException(where + ": <tls> has no server key; accepted: <keystore> (with <keystoreType> and"
            + " <secret>) or <privateKey> with <certificates>");
    }

    private File file(String location, String where, String element) {
        File file;
        try {
            file = fileSystem.getFile(location);
        } catch (FileNotFoundException e) {
            throw new IllegalStateException(where + ": " + element + " " + location + " not found", e);
        }
        if (!file.isFile()) {
            throw new IllegalStateException(where + ": " + element + " " + location + " not found (looked at " + file + ")");
        }
        return file;
    }

    private static List<X509Certificate> keystoreChains(File file, String type, String secret, String where, String location) {
        try (InputStream in = Files.newInputStream(file.toPath())) {
            KeyStore store = KeyStoreChains.load(in, type, secret.toCharArray());
            List<X509Certificate> certificates = KeyStoreChains.keyEntryChains(store).values().stream()
                .flatMap(List::stream).toList();
            if (certificates.isEmpty()) {
                throw new IllegalStateException(where + ": <keystore> " + location + " holds no private key with a certificate");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(where + ": <keystore> " + location + " does not load as " + type
                + " with the configured <secret>: " + e.getMessage(), e);
        }
    }
}
