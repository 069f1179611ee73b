package dev.jamestls.tls;

import java.util.Optional;

/**
 * Reads the clear part of one direction of a TLS connection, byte by byte as it passes, for the two
 * facts a refused handshake leaves on the wire: a fatal alert (RFC 8446 §6, RFC 5246 §7.2) and the
 * version a ServerHello chose (RFC 5246 §7.4.1.3; RFC 8446 §4.1.3 keeps {@code legacy_version} at
 * TLS 1.2 and names 1.3 in an extension, so only versions below 1.2 are read from it). Records are
 * read only until the first ChangeCipherSpec or application-data record: from there on they are
 * encrypted, and an alert is readable only when its record is exactly two bytes of clear text.
 * Decided on the wire bytes, never on the TLS library's message text. Not thread-safe: one scanner
 * per direction, fed by the one thread that reads or writes it. Bounded: it stops after
 * {@link #MAX_BYTES} bytes.
 */
public final class TlsRecordScanner {
    /** More than any clear-text handshake flight we look at. */
    public static final int MAX_BYTES = 64 * 1024;

    // RFC 8446 §5.1 ContentType
    private static final int CHANGE_CIPHER_SPEC = 20;
    private static final int ALERT = 21;
    private static final int HANDSHAKE = 22;
    // RFC 8446 §4 HandshakeType
    private static final int SERVER_HELLO = 2;
    private static final int FATAL = 2;

    private final byte[] header = new byte[5];
    private final byte[] start = new byte[6];
    private int headerFill;
    private int recordType;
    private int remaining;
    private int startFill;
    private long seen;
    private boolean done;
    private boolean firstHandshakeRecord = true;
    private TlsAlert alert;
    private TlsProtocol serverHelloVersion;

    /** Feeds bytes that passed, in order. */
    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length && !done; i++) {
            if (++seen > MAX_BYTES) {
                done = true;
                return;
            }
            feed(bytes[i] & 0xff);
        }
    }

    private void feed(int b) {
        if (headerFill < header.length) {
            header[headerFill++] = (byte) b;
            if (headerFill == header.length) {
                recordType = header[0] & 0xff;
                remaining = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
                startFill = 0;
                if (recordType == CHANGE_CIPHER_SPEC || recordType < CHANGE_CIPHER_SPEC || recordType > HANDSHAKE) {
                    // From here on records are encrypted (or this is not TLS at all).
                    done = true;
                } else if (remaining == 0) {
                    headerFill = 0;
                }
            }
            return;
        }
        if (startFill < start.length) {
            start[startFill++] = (byte) b;
        }
        remaining--;
        if (recordType == ALERT && startFill == 2 && remaining == 0 && alert == null && (start[0] & 0xff) == FATAL) {
            alert = alert(start[1] & 0xff);
        }
        if (recordType == HANDSHAKE && firstHandshakeRecord && startFill == 6) {
            firstHandshakeRecord = false;
            if ((start[0] & 0xff) == SERVER_HELLO && serverHelloVersion == null) {
                serverHelloVersion = version(start[4] & 0xff, start[5] & 0xff);
            }
        }
        if (remaining == 0) {
            if (recordType == HANDSHAKE && startFill > 0) {
                firstHandshakeRecord = false;
            }
            headerFill = 0;
        }
    }

    /** The first fatal alert sent in clear, if any. */
    public Optional<TlsAlert> fatalAlert() {
        return Optional.ofNullable(alert);
    }

    /** The version a ServerHello in this direction chose, when it is below TLS 1.2 (TLS 1.0, 1.1); empty otherwise. */
    public Optional<TlsProtocol> legacyServerHelloVersion() {
        return Optional.ofNullable(serverHelloVersion).filter(v -> !v.isAtLeast(TlsProtocol.LOWEST_ACCEPTABLE));
    }

    private static TlsAlert alert(int code) {
        for (TlsAlert candidate : TlsAlert.values()) {
            if (candidate.code() == code) {
                return candidate;
            }
        }
        return null;
    }

    // RFC 5246 §6.2.1 ProtocolVersion: {3, 1} TLS 1.0, {3, 2} TLS 1.1, {3, 3} TLS 1.2.
    private static TlsProtocol version(int major, int minor) {
        if (major != 3) {
            return null;
        }
        return switch (minor) {
            case 1 -> TlsProtocol.TLS_1_0;
            case 2 -> TlsProtocol.TLS_1_1;
            case 3 -> TlsProtocol.TLS_1_2;
            default -> null;
        };
    }
}
