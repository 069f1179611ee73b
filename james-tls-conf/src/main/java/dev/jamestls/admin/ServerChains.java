package dev.jamestls.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.jamestls.policy.file.XmlElement;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.IssuerLinks;
import dev.jamestls.tls.KeyStoreChains;
import dev.jamestls.tls.PemFiles;
import dev.jamestls.wiring.ConfigurationCheck;
import dev.jamestls.wiring.OutboundIdentities;

/** Loads our server chain from a key store, a PEM file, or James's {@code smtpserver.xml}. */
public final class ServerChains {
    private ServerChains() {
    }

    /**
     * The chain of one key entry of a JKS or PKCS#12 key store (type detected from the file).
     *
     * @param alias the entry; when empty the store must hold exactly one key entry
     */
    public static ServerChain fromKeystore(Path file, Optional<String> alias, char[] password) throws AdminException {
        KeyStore store;
        try {
            store = KeyStore.getInstance(file.toFile(), password);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new AdminException("key store " + file + " not found");
        } catch (IOException | GeneralSecurityException e) {
            throw new AdminException("key store " + file + " does not load (JKS or PKCS12) with the given password: "
                + causeText(e));
        }
        String chosen = chooseAlias(store, file, alias);
        return new ServerChain(file + " (alias " + chosen + ")", keyEntryChain(store, file, chosen), List.of(), List.of());
    }

    /** Every certificate of a PEM (or DER) file, the first one taken as the leaf. */
    public static ServerChain fromPem(Path file) throws AdminException {
        try {
            return new ServerChain(file.toString(), ordered(PemFiles.readCertificates(file)), List.of(), List.of());
        } catch (NoSuchFileException e) {
            throw new AdminException("certificate file " + file + " not found");
        } catch (IOException e) {
            throw new AdminException(e.getMessage(), e);
        }
    }

    /**
     * The chains of the TLS-enabled SMTP listeners of James's {@code smtpserver.xml}, one per distinct
     * key material, with the {@code helloName}s of the listeners using it. Locations in James's
     * {@code file://conf/...} form are relative to James's working directory, {@code confDir}'s parent.
     */
    public static List<ServerChain> fromJamesConf(Path confDir) throws AdminException {
        Path file = confDir.resolve(ConfigurationCheck.SMTPSERVER);
        XmlElement root;
        try {
            root = XmlElement.read(file);
        } catch (NoSuchFileException e) {
            throw new AdminException(file + " not found");
        } catch (IOException e) {
            throw new AdminException(file + " cannot be read: " + e.getMessage(), e);
        } catch (XmlElement.MalformedException e) {
            throw new AdminException(file + ":" + e.line() + ":" + e.column() + ": not well-formed XML: " + e.getMessage(), e);
        }
        Path jamesRoot = confDir.toAbsolutePath().normalize().getParent();
        List<XmlElement> servers = root.name().equals("smtpserver") ? List.of(root) : root.children("smtpserver");
        Map<String, Listeners> byKey = new LinkedHashMap<>();
        for (XmlElement server : servers) {
            if ("false".equals(server.attributes().get("enabled"))) {
                continue;
            }
            List<XmlElement> tls = server.children("tls");
            if (tls.isEmpty() || !("true".equals(tls.get(0).attributes().get("startTLS"))
                || "true".equals(tls.get(0).attributes().get("socketTLS")))) {
                continue;
            }
            String bind = childText(server, "bind").orElse("?");
            String where = file + ":" + tls.get(0).line() + " <smtpserver bind=\"" + bind + "\">";
            KeyMaterial key = keyMaterial(tls.get(0), where, jamesRoot);
            Listeners listeners = byKey.computeIfAbsent(key.identity(), k -> new Listeners(key));
            listeners.binds.add(bind);
            Optional<XmlElement> hello = server.children("helloName").stream().findFirst();
            // James's AbstractConfigurableAsyncServer: autodetect defaults to true (the machine's host name).
            boolean autodetect = hello.map(h -> !"false".equals(h.attributes().get("autodetect"))).orElse(true);
            if (autodetect) {
                listeners.notes.add("listener " + bind + ": helloName is autodetected by James from the machine's host name;"
                    + " not checked (give it with --hello-name)");
            } else if (!hello.get().text().isEmpty() && !listeners.helloNames.contains(hello.get().text())) {
                listeners.helloNames.add(hello.get().text());
            }
        }
        if (byKey.isEmpty()) {
            throw new AdminException(file + ": no enabled <smtpserver> with <tls startTLS=\"true\"> or <tls socketTLS=\"true\">");
        }
        List<ServerChain> chains = new ArrayList<>();
        for (Listeners listeners : byKey.values()) {
            ServerChain loaded = listeners.key.load();
            chains.add(new ServerChain(loaded.source() + ", listeners " + String.join(", ", listeners.binds),
                loaded.certificates(), listeners.helloNames, listeners.notes));
        }
        return chains;
    }

    /**
     * Our outbound client certificates (see {@link OutboundIdentities}): one chain per distinct identity, the
     * certificate partners see when we deliver to them.
     *
     * @throws AdminException naming the configuring file and element when one does not load
     */
    public static List<ServerChain> clientChains(Path confDir) throws AdminException {
        List<ServerChain> chains = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (OutboundIdentities.Configured configured : OutboundIdentities.configured(confDir, java.time.Clock.systemUTC())) {
            String where = configured.file() + (configured.line() > 0 ? ":" + configured.line() : "") + " " + configured.subject();
            ClientIdentity identity;
            try {
                identity = configured.loader().get();
            } catch (IllegalArgumentException e) {
                throw new AdminException(where + ": outbound client identity does not load: " + e.getMessage(), e);
            }
            if (!seen.contains(identity.sha256())) {
                seen.add(identity.sha256());
                chains.add(new ServerChain(where + " (" + identity.source() + ")", ordered(identity.chain()), List.of(),
                    List.of("outbound client identity: presented when a destination asks for a client certificate"),
                    ServerChain.Purpose.CLIENT));
            }
        }
        return chains;
    }

    /**
     * Leaf first, then each certificate's issuer (by name and signature) as long as it is present;
     * certificates that are not on the leaf's path keep their order at the end.
     */
    static List<X509Certificate> ordered(List<X509Certificate> certificates) {
        List<X509Certificate> rest = new ArrayList<>(certificates.subList(1, certificates.size()));
        List<X509Certificate> path = new ArrayList<>(List.of(certificates.get(0)));
        X509Certificate current = certificates.get(0);
        while (!rest.isEmpty() && !IssuerLinks.selfSigned(current)) {
            Optional<X509Certificate> issuer = IssuerLinks.issuerAmong(current, rest);
            if (issuer.isEmpty()) {
                break;
            }
            rest.remove(issuer.get());
            path.add(issuer.get());
            current = issuer.get();
        }
        path.addAll(rest);
        return path;
    }

    private record KeyMaterial(String identity, String location, Optional<Path> keystore, String keystoreType, String secret,
                               Optional<Path> certificates, String where) {
        ServerChain load() throws AdminException {
            if (certificates.isPresent()) {
                try {
                    return new ServerChain(location, ordered(PemFiles.readCertificates(certificates.get())), List.of(), List.of());
                } catch (NoSuchFileException e) {
                    throw new AdminException(where + ": <certificates> " + location + " not found (looked at " + certificates.get() + ")");
                } catch (IOException e) {
                    throw new AdminException(where + ": <certificates> " + location + ": " + e.getMessage(), e);
                }
            }
            Path path = keystore.orElseThrow();
            KeyStore store;
            try (InputStream in = Files.newInputStream(path)) {
                store = KeyStoreChains.load(in, keystoreType, secret.toCharArray());
            } catch (NoSuchFileException e) {
                throw new AdminException(where + ": <keystore> " + location + " not found (looked at " + path + ")");
            } catch (IOException | GeneralSecurityException e) {
                throw new AdminException(where + ": <keystore> " + location + " does not load as " + keystoreType
                    + " with the configured <secret>: " + causeText(e));
            }
            String alias = chooseAlias(store, path, Optional.empty());
            return new ServerChain(location + " (" + keystoreType + ", alias " + alias + ")", keyEntryChain(store, path, alias),
                List.of(), List.of());
        }
    }

    private static final class Listeners {
        final KeyMaterial key;
        final List<String> binds = new ArrayList<>();
        final List<String> helloNames = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Listeners(KeyMaterial key) {
            this.key = key;
        }
    }

    private static KeyMaterial keyMaterial(XmlElement tls, String where, Path jamesRoot) throws AdminException {
        Optional<String> keystore = childText(tls, "keystore");
        Optional<String> certificates = childText(tls, "certificates");
        if (keystore.isPresent()) {
            String type = childText(tls, "keystoreType").orElse("JKS");
            if (!type.equals("JKS") && !type.equals("PKCS12")) {
                throw new AdminException(where + ": unknown <keystoreType> '" + type + "'; accepted: JKS, PKCS12");
            }
            Path path = resolve(keystore.get(), where, "<keystore>", jamesRoot);
            return new KeyMaterial(path + "|" + type, keystore.get(), Optional.of(path), type,
                childText(tls, "secret").orElse(""), Optional.empty(), where);
        }
        if (certificates.isPresent()) {
            Path path = resolve(certificates.get(), where, "<certificates>", jamesRoot);
            return new KeyMaterial(path.toString(), certificates.get(), Optional.empty(), "", "", Optional.of(path), where);
        }
        throw new AdminException(where + ": <tls> has no server key; accepted: <keystore> (with <keystoreType> and <secret>)"
            + " or <privateKey> with <certificates>");
    }

    private static Path resolve(String location, String where, String element, Path jamesRoot) throws AdminException {
        Optional<Path> path = ConfigurationCheck.jamesPath(location);
        if (path.isEmpty()) {
            throw new AdminException(where + ": " + element + " " + location
                + " is not a file location; accepted: file://conf/..., file:///absolute/path or a plain path");
        }
        return jamesRoot.resolve(path.get()).normalize();
    }

    private static String chooseAlias(KeyStore store, Path file, Optional<String> alias) throws AdminException {
        List<String> keys = new ArrayList<>(keyEntryChains(store, file).keySet());
        if (alias.isPresent()) {
            if (!keys.contains(alias.get())) {
                throw new AdminException("key store " + file + " has no key entry '" + alias.get() + "'; key entries: " + keys);
            }
            return alias.get();
        }
        if (keys.isEmpty()) {
            throw new AdminException("key store " + file + " holds no private key with a certificate");
        }
        if (keys.size() > 1) {
            Collections.sort(keys);
            throw new AdminException("key store " + file + " holds several keys " + keys + "; choose one with --alias");
        }
        return keys.get(0);
    }

    private static List<X509Certificate> keyEntryChain(KeyStore store, Path file, String alias) throws AdminException {
        return ordered(keyEntryChains(store, file).get(alias));
    }

    private static Map<String, List<X509Certificate>> keyEntryChains(KeyStore store, Path file) throws AdminException {
        try {
            return KeyStoreChains.keyEntryChains(store);
        } catch (java.security.KeyStoreException e) {
            throw new AdminException("key store " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Optional<String> childText(XmlElement element, String name) {
        return element.children(name).stream().map(XmlElement::text).filter(t -> !t.isEmpty()).findFirst();
    }

    private static String causeText(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }
}
