package dev.jamestls.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerTextTest {

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', textBlock = """
        CN=mta.partner.example                  | CN=mta.partner.example                          | plain text is kept
        CN=Doe\\, John                          | CN=Doe\\\\, John                                | a backslash is doubled, so escapes are unambiguous
        bücher.example                          | bücher.example                                  | non-ASCII letters are kept
        """)
    void keepsOrdinaryText(String text, String expected, String reason) {
        assertThat(PeerText.escape(text)).as(reason).isEqualTo(expected);
    }

    @Test
    void escapesEveryCharacterThatBreaksOrRewritesALine() {
        String forged = "CN=x\r\n12:00:00.000 INFO FORGED relay\u0085\u2028\u2029\u001b[2K\u202e\u200b\u0000\u007f";

        String escaped = PeerText.escape(forged);

        assertThat(escaped).isEqualTo("CN=x\\x0D\\x0A12:00:00.000 INFO FORGED relay\\x85\\u{2028}\\u{2029}\\x1B[2K"
            + "\\u{202E}\\u{200B}\\x00\\x7F");
        assertThat(escaped.codePoints()).noneMatch(PeerText::isControl);
        assertThat(PeerText.hasControlCharacters(forged)).isTrue();
        assertThat(PeerText.hasControlCharacters(escaped)).isFalse();
    }

    @Test
    void escapesAnExceptionsDescriptionAndItsCausesButKeepsTheStackTrace() {
        IllegalStateException cause = new IllegalStateException("cause\nFORGED");
        IllegalArgumentException original = new IllegalArgumentException("subject 'CN=x\r\nFORGED'", cause);

        Throwable escaped = PeerText.escape(original);

        assertThat(escaped.toString()).isEqualTo("java.lang.IllegalArgumentException: subject 'CN=x\\x0D\\x0AFORGED'");
        assertThat(escaped.getCause().toString()).isEqualTo("java.lang.IllegalStateException: cause\\x0AFORGED");
        assertThat(escaped.getStackTrace()).isEqualTo(original.getStackTrace());
    }

    @Test
    void replyTextIsOnePrintableLineWithinTheRfc5321LimitAndKeepsItsTail() {
        SmtpReply reply = SmtpReply.forSession(550, SmtpReply.NOT_AUTHORIZED, "a\r\nb" + "x".repeat(1000), "abc");

        assertThat(reply.toString()).matches("[ -~]+").startsWith("550 5.7.1 a??bxxx").endsWith("... (session abc)");
        assertThat(reply.toString().length() + 2).isEqualTo(SmtpReply.MAX_LINE_OCTETS);
        assertThat(new SmtpReply(451, "4.3.0", "y".repeat(600)).toString().length() + 2).isEqualTo(SmtpReply.MAX_LINE_OCTETS);
    }
}
