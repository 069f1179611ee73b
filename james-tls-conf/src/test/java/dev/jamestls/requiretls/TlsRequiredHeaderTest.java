package dev.jamestls.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The field as a message carries it: the text after the colon, {CR}/{LF}/{TAB}/{ESC} standing for those characters. */
class TlsRequiredHeaderTest {

    @ParameterizedTest(name = "''{0}'' -> {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        No                               | NO          | the one value RFC 8689 section 3 defines
        no                               | NO          | ABNF literals are case-insensitive (RFC 5234 section 2.3)
        NO                               | NO          | upper case
        "  No{TAB}"                      | NO          | white space around the value (FWS)
        {CR}{LF} No                      | NO          | folded before the value (RFC 5322 section 2.2.3)
        No{CR}{LF}{TAB}                  | NO          | folded after the value
        ""                               | OTHER_VALUE | empty
        Yes                              | OTHER_VALUE | no other value is defined
        No (the sender does not mind)    | OTHER_VALUE | a comment is not in the section 3 grammar
        N o                              | OTHER_VALUE | not one word
        Nope                             | OTHER_VALUE | another word
        No;                              | OTHER_VALUE | trailing punctuation
        No{CR}                           | OTHER_VALUE | a bare CR is no white space
        No{LF}No                         | OTHER_VALUE | a bare LF in the value
        {ESC}No                          | OTHER_VALUE | a control character
        "No\u00a0"                       | OTHER_VALUE | a no-break space is not FWS
        """)
    void readsOneFieldStrictly(String value, TlsRequiredHeader expected, String reason) {
        assertThat(TlsRequiredHeader.read(List.of(characters(value)))).as(reason).isEqualTo(expected);
    }

    @Test
    void severalFieldsAskNothingWhateverTheySay() {
        assertThat(TlsRequiredHeader.read(List.of("No", "No"))).isEqualTo(TlsRequiredHeader.SEVERAL);
        assertThat(TlsRequiredHeader.read(List.of("No", "Yes"))).isEqualTo(TlsRequiredHeader.SEVERAL);
        assertThat(TlsRequiredHeader.read(Arrays.asList("Yes", "No", "No"))).isEqualTo(TlsRequiredHeader.SEVERAL);
    }

    @Test
    void noFieldIsAbsent() {
        assertThat(TlsRequiredHeader.read(List.of())).isEqualTo(TlsRequiredHeader.ABSENT);
    }

    private static String characters(String value) {
        return value.replace("{CR}", "\r").replace("{LF}", "\n").replace("{TAB}", "\t").replace("{ESC}", "\u001b");
    }
}
