package dev.jamestls.tls;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS facts of one SMTP session at the time a decision is made.
 *
 * @param channel how TLS was entered, or {@link TlsChannel#NONE}
 * @param protocol negotiated protocol as JSSE names it ({@code "TLSv1.3"}), empty in clear text
 * @param cipher negotiated cipher suite, empty in clear text
 * @param peerChain the peer's certificate chain, leaf first; empty when none was presented
 */
public record TlsFacts(TlsChannel channel, Optional<String> protocol, Optional<String> cipher, List<CertificateFacts> peerChain) {

    public static final TlsFacts CLEAR_TEXT = new TlsFacts(TlsChannel.NONE, Optional.empty(), Optional.empty(), List.of());

    public TlsFacts {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipher, "cipher");
        peerChain = List.copyOf(peerChain);
        if (channel == TlsChannel.NONE && (protocol.isPresent() || cipher.isPresent() || !peerChain.isEmpty())) {
            throw new IllegalArgumentException("a clear-text session has no protocol, cipher or peer certificate");
        }
    }

    public static TlsFacts encrypted(TlsChannel channel, String protocol, String cipher, List<CertificateFacts> peerChain) {
        if (!channel.isEncrypted()) {
            throw new IllegalArgumentException("encrypted facts need STARTTLS or implicit TLS, not " + channel);
        }
        return new TlsFacts(channel, Optional.of(protocol), Optional.of(cipher), peerChain);
    }

    public boolean isEncrypted() {
        return channel.isEncrypted();
    }

    /** The negotiated protocol as one of ours, empty in clear text or for a protocol we do not know (e.g. SSLv3). */
    public Optional<TlsProtocol> tlsProtocol() {
        return protocol.flatMap(TlsProtocol::fromJsseName);
    }

    public Optional<CertificateFacts> peerCertificate() {
        return peerChain.isEmpty() ? Optional.empty() : Optional.of(peerChain.get(0));
    }

    /** True when the session is encrypted with at least {@code minimum}. */
    public boolean meets(TlsProtocol minimum) {
        return tlsProtocol().map(p -> p.isAtLeast(minimum)).orElse(false);
    }
}
