package dev.jamestls.admin;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Something a partner configuring forced TLS towards us would trip over.
 *
 * @param kind what
 * @param certificate index in the chain (0 = leaf) the warning is about; empty for the chain as a whole
 * @param message the fact and the value, printable
 */
public record FactsWarning(Kind kind, OptionalInt certificate, String message) {
    /** Warning kinds, spelt as in the JSON output. */
    public enum Kind {
        EXPIRED("expired"),
        EXPIRES_SOON("expires-soon"),
        NOT_YET_VALID("not-yet-valid"),
        WEAK_RSA_KEY("weak-rsa-key"),
        SHA1_SIGNATURE("sha1-signature"),
        CHAIN_INCOMPLETE("chain-incomplete"),
        HELLO_NAME_NOT_COVERED("hello-name-not-covered"),
        /** A client chain whose leaf's EKU does not allow clientAuth (RFC 5280 §4.2.1.12). */
        NO_CLIENT_AUTH("no-client-auth");

        private final String spelling;

        Kind(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }

        public static String accepted() {
            return String.join(", ", Arrays.stream(values()).map(Kind::spelling).toList());
        }

        @Override
        public String toString() {
            return spelling;
        }
    }

    public FactsWarning {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(message, "message");
    }
}
