package dev.jamestls.admin;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import dev.jamestls.tls.Spelled;

/**
 * Our certificate chain as configured, leaf first, each certificate followed by its issuer
 * where the issuer is present: the server chain of a listener, or the client chain we present when we deliver.
 *
 * @param source where it came from, printable ({@code conf/keystore (alias james)})
 * @param certificates leaf first; never empty
 * @param helloNames host names the leaf must cover (James's {@code helloName}); may be empty
 * @param notes facts about the source worth printing (e.g. an autodetected helloName that was not checked)
 * @param purpose what partners see it as: our server (inbound) or our client (outbound) certificate
 */
public record ServerChain(String source, List<X509Certificate> certificates, List<String> helloNames, List<String> notes,
                          Purpose purpose) {
    /** Which side of a connection presents the chain, spelt as in the JSON output. */
    public enum Purpose implements Spelled {
        /** Presented by our SMTP listeners. */
        SERVER,
        /** Presented by our outbound delivery when a destination asks for a client certificate. */
        CLIENT;
    }

    /** A server chain. */
    public ServerChain(String source, List<X509Certificate> certificates, List<String> helloNames, List<String> notes) {
        this(source, certificates, helloNames, notes, Purpose.SERVER);
    }

    public ServerChain {
        java.util.Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(source, "source");
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a server chain needs at least one certificate: " + source);
        }
        helloNames = List.copyOf(helloNames);
        notes = List.copyOf(notes);
    }

    public X509Certificate leaf() {
        return certificates.get(0);
    }

    public ServerChain withHelloNames(List<String> names, String note) {
        return new ServerChain(source, certificates, names, note.isEmpty() ? notes
            : java.util.stream.Stream.concat(notes.stream(), java.util.stream.Stream.of(note)).toList(), purpose);
    }
}
