package dev.jamestls.outbound;

import dev.jamestls.tls.Spelled;

/** How far an attempt got with TLS before the mail transaction (RFC 3207 §4). */
public enum TlsStage implements Spelled {
    /** No TCP connection or no usable greeting/EHLO. */
    CONNECT_FAILED,
    /** TLS was not attempted: level {@code none}, or the {@code may} clear-text retry. */
    NOT_ATTEMPTED,
    /** The EHLO reply did not list STARTTLS. */
    NOT_OFFERED,
    /** STARTTLS was offered but the command was answered with something other than 220 (e.g. 454). */
    REFUSED,
    /**
     * The peer speaks only TLS versions this client never uses (TLS 1.0/1.1, RFC 8996): it answered our
     * ClientHello with alert {@code protocol_version} or a ServerHello below TLS 1.2, or we sent that alert.
     */
    PROTOCOL_VERSION,
    /** The TLS handshake failed (protocol, cipher or certificate). */
    HANDSHAKE_FAILED,
    /**
     * The destination asked for a client certificate (a CertificateRequest, RFC 8446 §4.3.2, RFC 5246 §7.4.4) and
     * ended the connection before its first TLS reply: it refused the certificate we presented, or our lack of one
     * (TLS 1.3 alert {@code certificate_required}, RFC 8446 §6.2; TLS 1.2 {@code handshake_failure}).
     */
    CLIENT_CERTIFICATE_REQUIRED,
    /** TLS was established. */
    ESTABLISHED;

    @Override
    public String toString() {
        return spelling();
    }
}
