package dev.jamestls.requiretls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.jamestls.smtp.SmtpReply;

/**
 * The REQUIRETLS service extension as a receiving server offers it (RFC 8689 §2): the EHLO keyword inside
 * TLS only, and the verdict on one {@code REQUIRETLS} MAIL FROM parameter.
 */
public final class RequireTlsExtension {
    /** RFC 8689 §2: the EHLO keyword and the MAIL FROM parameter share this name. */
    public static final String KEYWORD = "REQUIRETLS";

    private RequireTlsExtension() {
    }

    /** The verdict on one {@code REQUIRETLS} parameter of a MAIL FROM command. */
    public enum ParameterVerdict {
        /** The mail of this transaction is tagged REQUIRETLS (RFC 8689 §4.1). */
        ACCEPTED(Optional.empty()),
        /**
         * RFC 8689 §2: the parameter is only specified over TLS, where the keyword is advertised; in clear text
         * it is refused as Encryption Needed (RFC 3207 §4's 530, X.7.10 of RFC 5248's registry).
         */
        CLEAR_TEXT(Optional.of(new SmtpReply(SmtpReply.MUST_ISSUE_STARTTLS, SmtpReply.ENCRYPTION_NEEDED_PERMANENT,
            "REQUIRETLS is accepted over TLS only; issue STARTTLS first"))),
        /** RFC 8689 §2: "No value is associated with this parameter." */
        VALUE_GIVEN(Optional.of(new SmtpReply(SmtpReply.SYNTAX_ERROR_IN_PARAMETERS, SmtpReply.INVALID_COMMAND_ARGUMENTS,
            "REQUIRETLS takes no value (RFC 8689 section 2)"))),
        /** The parameter twice in one MAIL FROM command: a command we cannot read one way only. */
        REPEATED(Optional.of(new SmtpReply(SmtpReply.SYNTAX_ERROR_IN_PARAMETERS, SmtpReply.INVALID_COMMAND_ARGUMENTS,
            "REQUIRETLS given more than once")));

        private final Optional<SmtpReply> refusal;

        ParameterVerdict(Optional<SmtpReply> refusal) {
            this.refusal = refusal;
        }

        /** The reply refusing the MAIL FROM command; empty when the parameter is accepted. */
        public Optional<SmtpReply> refusal() {
            return refusal;
        }
    }

    /** The EHLO keywords to announce: {@value #KEYWORD} on a TLS session, none in clear text. */
    public static List<String> ehloKeywords(boolean tls) {
        return tls ? List.of(KEYWORD) : List.of();
    }

    /**
     * Judges one {@code REQUIRETLS} parameter.
     *
     * @param tls whether the session is encrypted now
     * @param value the text after {@code =}, empty when there is none
     * @param alreadyGiven whether this command already carried the parameter
     */
    public static ParameterVerdict judge(boolean tls, String value, boolean alreadyGiven) {
        if (!tls) {
            return ParameterVerdict.CLEAR_TEXT;
        }
        if (!value.isEmpty()) {
            return ParameterVerdict.VALUE_GIVEN;
        }
        return alreadyGiven ? ParameterVerdict.REPEATED : ParameterVerdict.ACCEPTED;
    }

    /**
     * Every spelling of {@value #KEYWORD} in upper and lower case letters (1024). ESMTP keywords are
     * case-insensitive (RFC 5321 §2.4), but a server that looks a parameter without value up as sent needs
     * each spelling listed, or {@code requiretls} would pass unseen.
     */
    public static List<String> spellings() {
        String lower = KEYWORD.toLowerCase(Locale.ROOT);
        List<String> spellings = new ArrayList<>(1 << KEYWORD.length());
        for (int mask = 0; mask < 1 << KEYWORD.length(); mask++) {
            StringBuilder spelling = new StringBuilder(KEYWORD.length());
            for (int i = 0; i < KEYWORD.length(); i++) {
                spelling.append((mask & 1 << i) != 0 ? KEYWORD.charAt(i) : lower.charAt(i));
            }
            spellings.add(spelling.toString());
        }
        return List.copyOf(spellings);
    }
}
