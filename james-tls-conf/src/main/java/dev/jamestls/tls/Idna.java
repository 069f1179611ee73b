package dev.jamestls.tls;

import java.net.IDN;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Internationalised domain names to A-labels (RFC 5890), without the silent
 * mappings of IDNA2003. The JDK's {@link IDN} implements IDNA2003, whose
 * nameprep maps some characters to others ({@code faß} becomes {@code fass},
 * final sigma becomes sigma, joiners vanish): under IDNA2008 (RFC 5891) and
 * UTS #46 non-transitional processing, which mail and browsers use now, those
 * are different domains. A label is converted only when IDNA2003 leaves it as
 * written (after NFC and lower-casing, which both standards apply); otherwise the
 * name is refused with the IDNA2008 A-label in the message, so the administrator
 * can write that. ASCII labels, A-labels ({@code xn--...}) included, pass as they are.
 */
public final class Idna {
    private Idna() {
    }

    /**
     * The ASCII form of {@code name} (lower case, labels as written or as A-labels).
     *
     * @throws IllegalArgumentException when a label is not a valid IDNA label, or IDNA2003 would map it to
     *     another name; the message names the label and, where one exists, the A-label to write instead
     */
    public static String toAscii(String name) {
        String folded = Normalizer.normalize(name, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        List<String> labels = new ArrayList<>();
        for (String label : folded.split("\\.", -1)) {
            labels.add(isAscii(label) ? label : labelToAscii(label));
        }
        return String.join(".", labels);
    }

    private static String labelToAscii(String label) {
        String ascii;
        try {
            ascii = IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("label '" + label + "' is not a valid internationalised label");
        }
        if (!IDN.toUnicode(ascii).equals(label)) {
            throw new SilentMappingException("label '" + label + "' would silently become '" + IDN.toUnicode(ascii)
                + "' under IDNA2003, which is a different name under IDNA2008 (RFC 5891); write its A-label 'xn--"
                + Punycode.encode(label) + "' if that is the name meant");
        }
        return ascii;
    }

    /** A label that IDNA2003 would map to another name: the message gives the IDNA2008 A-label. */
    public static final class SilentMappingException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SilentMappingException(String message) {
            super(message);
        }
    }

    private static boolean isAscii(String value) {
        return value.chars().allMatch(c -> c < 0x80);
    }

    /** RFC 3492 §6.3 encoding of one label (without the {@code xn--} prefix). */
    static final class Punycode {
        private static final int BASE = 36;
        private static final int T_MIN = 1;
        private static final int T_MAX = 26;
        private static final int SKEW = 38;
        private static final int DAMP = 700;
        private static final int INITIAL_BIAS = 72;
        private static final int INITIAL_N = 128;

        private Punycode() {
        }

        static String encode(String label) {
            int[] code = label.codePoints().toArray();
            StringBuilder output = new StringBuilder();
            for (int c : code) {
                if (c < 0x80) {
                    output.append((char) c);
                }
            }
            int basic = output.length();
            int handled = basic;
            if (basic > 0) {
                output.append('-');
            }
            int n = INITIAL_N;
            int delta = 0;
            int bias = INITIAL_BIAS;
            while (handled < code.length) {
                int next = Integer.MAX_VALUE;
                for (int c : code) {
                    if (c >= n && c < next) {
                        next = c;
                    }
                }
                delta += (next - n) * (handled + 1);
                n = next;
                for (int c : code) {
                    if (c < n) {
                        delta++;
                    }
                    if (c == n) {
                        int q = delta;
                        for (int k = BASE; ; k += BASE) {
                            int t = k <= bias ? T_MIN : Math.min(k - bias, T_MAX);
                            if (q < t) {
                                break;
                            }
                            output.append(digit(t + (q - t) % (BASE - t)));
                            q = (q - t) / (BASE - t);
                        }
                        output.append(digit(q));
                        bias = adapt(delta, handled + 1, handled == basic);
                        delta = 0;
                        handled++;
                    }
                }
                delta++;
                n++;
            }
            return output.toString();
        }

        private static char digit(int d) {
            return (char) (d < 26 ? 'a' + d : '0' + d - 26);
        }

        private static int adapt(int delta, int points, boolean first) {
            int d = first ? delta / DAMP : delta / 2;
            d += d / points;
            int k = 0;
            while (d > ((BASE - T_MIN) * T_MAX) / 2) {
                d /= BASE - T_MIN;
                k += BASE;
            }
            return k + (BASE - T_MIN + 1) * d / (d + SKEW);
        }
    }
}
