package dev.jamestls.smtp;

/**
 * Text a peer chose (certificate fields, EHLO name, addresses, server replies) made safe for a
 * log line, a header or a reply. One function for every place we write peer text: a CR or LF
 * would start a forged log line (or header), a terminal escape would rewrite the line on screen,
 * a bidirectional override would reorder it.
 *
 * <p>Escaping is reversible: a backslash becomes two, every control or format character
 * becomes backslash-{@code xHH} (code points up to U+00FF) or backslash-{@code u{HHHH}}
 * (e.g. CR LF is {@code \x0D\x0A}); everything else is kept.
 */
public final class PeerText {
    /** Ends a text {@link #escapeAndCut} cut. */
    public static final String CUT = "...";

    private PeerText() {
    }

    /**
     * {@code text} escaped, then cut to {@code max} characters (never inside an escape or a surrogate pair): peer text
     * of any length for a log line or a kept record.
     */
    public static String escapeAndCut(String text, int max) {
        String escaped = escape(text);
        if (escaped.length() <= max) {
            return escaped;
        }
        int end = max - CUT.length();
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

    /** {@code text} with every control and format character escaped; {@code "null"} for null. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        if (text.codePoints().noneMatch(c -> c == '\\' || isControl(c))) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(c -> {
            if (c == '\\') {
                escaped.append("\\\\");
            } else if (!isControl(c)) {
                escaped.appendCodePoint(c);
            } else if (c <= 0xFF) {
                escaped.append(String.format("\\x%02X", c));
            } else {
                escaped.append(String.format("\\u{%04X}", c));
            }
        });
        return escaped.toString();
    }

    /** True when {@code text} holds a character {@link #escape} would escape (other than {@code \}). */
    public static boolean hasControlCharacters(String text) {
        return text != null && text.codePoints().anyMatch(PeerText::isControl);
    }

    /**
     * C0 and C1 controls with DEL (CR, LF, NEL, ESC ...), the Unicode line and paragraph
     * separators, and format characters (bidirectional overrides, zero-width characters).
     */
    public static boolean isControl(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isISOControl(codePoint)
            || type == Character.LINE_SEPARATOR
            || type == Character.PARAGRAPH_SEPARATOR
            || type == Character.FORMAT;
    }

    /**
     * An exception as a log may print it: its description (class and message) escaped, same
     * stack trace, causes likewise (a handful deep). Exceptions thrown over peer data carry
     * peer text in their messages.
     */
    public static Throwable escape(Throwable throwable) {
        return escape(throwable, 0);
    }

    private static Throwable escape(Throwable throwable, int depth) {
        if (throwable == null) {
            return null;
        }
        Throwable cause = depth < 8 ? escape(throwable.getCause(), depth + 1) : null;
        Escaped copy = new Escaped(escape(throwable.toString()), cause);
        copy.setStackTrace(throwable.getStackTrace());
        return copy;
    }

    /** Stands in for an exception whose text came from a peer; its message is the escaped original. */
    private static final class Escaped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Escaped(String description, Throwable cause) {
            super(description, cause);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
