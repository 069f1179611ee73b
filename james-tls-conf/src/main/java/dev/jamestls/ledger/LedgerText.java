package dev.jamestls.ledger;

import dev.jamestls.smtp.PeerText;

/** Peer text as the ledger keeps it: escaped ({@link PeerText}) and cut to {@value #MAX_LENGTH} characters. */
public final class LedgerText {
    /** The longest text kept, after escaping. */
    public static final int MAX_LENGTH = 300;
    /** Ends a text that was cut. */
    static final String CUT = PeerText.CUT;

    private LedgerText() {
    }

    /** {@code text} escaped, then cut to {@value #MAX_LENGTH} characters (never inside an escape or a surrogate pair). */
    public static String of(String text) {
        return PeerText.escapeAndCut(text, MAX_LENGTH);
    }
}
