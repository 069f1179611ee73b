package dev.jamestls.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import dev.jamestls.admin.AdminException;
import dev.jamestls.admin.ServerChain;
import dev.jamestls.admin.ServerChains;

/** {@code --keystore FILE [--alias A] [--storepass [P]] | --pem FILE | --james-conf DIR}: where our chain comes from. */
final class ChainInput {
    @ArgGroup(exclusive = false)
    Keystore keystore;

    @Option(names = "--pem", paramLabel = "FILE", description = "PEM (or DER) file with the server certificate first, then its issuers")
    Path pem;

    @Option(names = "--james-conf", paramLabel = "DIR",
        description = "James's conf directory: the <tls> key material and helloName of every TLS listener in smtpserver.xml, "
            + "and the outbound client certificates (TlsRemoteDelivery's, the connectors' <clientIdentity>)")
    Path jamesConf;

    static final class Keystore {
        @Option(names = "--keystore", required = true, paramLabel = "FILE", description = "JKS or PKCS12 key store")
        Path file;

        @Option(names = "--alias", paramLabel = "A", description = "key entry (needed when the store holds several keys)")
        String alias;

        @Option(names = "--storepass", paramLabel = "P", arity = "0..1", interactive = true,
            description = "key store password; without a value it is asked for on the terminal")
        char[] password;
    }

    List<ServerChain> load() throws AdminException {
        if (keystore != null) {
            return List.of(ServerChains.fromKeystore(keystore.file, Optional.ofNullable(keystore.alias),
                keystore.password == null ? new char[0] : keystore.password));
        }
        if (pem != null) {
            return List.of(ServerChains.fromPem(pem));
        }
        List<ServerChain> chains = new java.util.ArrayList<>(ServerChains.fromJamesConf(jamesConf));
        chains.addAll(ServerChains.clientChains(jamesConf));
        return chains;
    }
}
