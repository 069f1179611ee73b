package dev.jamestls.ledger;

import dev.jamestls.smtp.PeerText;

/** Peer text as the ledger keeps it: escaped ({@link PeerText}) and cut to {@value #MAX_LENGTH} characters. */
public final class LedgerText {
    /** The longest text kept, after escaping. */
    public static final int MAX_LENGTH = 300;
    /** Ends a text that was cut. */
    static final String CUT = "...";

    private LedgerText() {
    }

    /** {@code text} escaped, then cut to {@value #MAX_LENGTH} characters (never inside an escape or a surrogate pair). */
    public static String of(String text) {
        String escaped = PeerText.escape(text);
        if (escaped.length() <= MAX_LENGTH) {
            return escaped;
        }
        int end = MAX_LENGTH - CUT.length();
        int backslash = escaped.lastIndexOf('\\', end);
        if (backslash >= 0 && backslash >= end - 9) {
            // an escape (\\, \xHH or \\u{HHHH}) may straddle the cut: cut before it
            end = backslash;
        }
        if (Character.isLowSurrogate(escaped.charAt(end))) {
            end--;
        }
        return escaped.substring(0, end) + CUT;
    }
}
