package dev.jamestls.admin;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

import dev.jamestls.tls.Spelled;

/**
 * Something a partner configuring forced TLS towards us would trip over.
 *
 * @param kind what
 * @param certificate index in the chain (0 = leaf) the warning is about; empty for the chain as a whole
 * @param message the fact and the value, printable
 */
public record FactsWarning(Kind kind, OptionalInt certificate, String message) {
    /** Warning kinds, spelt as in the JSON output. */
    public enum Kind implements Spelled {
        EXPIRED,
        EXPIRES_SOON,
        NOT_YET_VALID,
        WEAK_RSA_KEY,
        SHA1_SIGNATURE,
        CHAIN_INCOMPLETE,
        HELLO_NAME_NOT_COVERED,
        /** A client chain whose leaf's EKU does not allow clientAuth (RFC 5280 §4.2.1.12). */
        NO_CLIENT_AUTH;

        public static String accepted() {
            return String.join(", ", Arrays.stream(values()).map(Kind::spelling).toList());
        }

        @Override
        public String toString() {
            return spelling();
        }
    }

    public FactsWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(message, "message");
    }
}
