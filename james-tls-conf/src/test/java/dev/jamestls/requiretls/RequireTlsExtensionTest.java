package dev.jamestls.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.requiretls.RequireTlsExtension.ParameterVerdict;

class RequireTlsExtensionTest {

    @Test
    void theKeywordIsAnnouncedInsideTlsOnly() {
        assertThat(RequireTlsExtension.ehloKeywords(true)).containsExactly("REQUIRETLS");
        assertThat(RequireTlsExtension.ehloKeywords(false)).isEmpty();
    }

    @ParameterizedTest(name = "tls={0} value=''{1}'' again={2}: {3} ({5})")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        true  | ""   | false | ACCEPTED    | -              | the parameter as RFC 8689 section 2 defines it, over TLS
        false | ""   | false | CLEAR_TEXT  | 530 5.7.10     | clear text: the keyword was not announced, the sender must not get what it asked for silently
        false | yes  | false | CLEAR_TEXT  | 530 5.7.10     | clear text decides first, whatever the value
        false | ""   | true  | CLEAR_TEXT  | 530 5.7.10     | clear text decides first, however often
        true  | yes  | false | VALUE_GIVEN | 501 5.5.4      | no value is associated with the parameter
        true  | NO   | false | VALUE_GIVEN | 501 5.5.4      | a value cannot switch it off
        true  | ""   | true  | REPEATED    | 501 5.5.4      | the parameter twice in one command
        true  | x    | true  | VALUE_GIVEN | 501 5.5.4      | a value is refused before the repetition is looked at
        """)
    void judgesOneParameter(boolean tls, String value, boolean again, ParameterVerdict expected, String reply, String reason) {
        ParameterVerdict verdict = RequireTlsExtension.judge(tls, value, again);

        assertThat(verdict).as(reason).isEqualTo(expected);
        assertThat(verdict.refusal().map(refusal -> refusal.code() + " " + refusal.enhancedStatus()).orElse("-"))
            .as(reason).isEqualTo(reply);
    }

    @Test
    void refusalsArePermanentAndSayWhatToDo() {
        assertThat(ParameterVerdict.CLEAR_TEXT.refusal().orElseThrow().toString())
            .isEqualTo("530 5.7.10 REQUIRETLS is accepted over TLS only; issue STARTTLS first");
        assertThat(ParameterVerdict.VALUE_GIVEN.refusal().orElseThrow().toString())
            .isEqualTo("501 5.5.4 REQUIRETLS takes no value (RFC 8689 section 2)");
        assertThat(ParameterVerdict.REPEATED.refusal().orElseThrow().toString())
            .isEqualTo("501 5.5.4 REQUIRETLS given more than once");
        assertThat(List.of(ParameterVerdict.values())).allMatch(verdict -> verdict.refusal().map(r -> !r.isTemporary()).orElse(true));
    }

    @Test
    void spellingsAreEveryCaseVariantOfTheKeywordAndNothingElse() {
        List<String> spellings = RequireTlsExtension.spellings();

        assertThat(spellings).hasSize(1024).doesNotHaveDuplicates()
            .contains("REQUIRETLS", "requiretls", "RequireTls", "rEQUIREtLS")
            .allMatch(spelling -> spelling.equalsIgnoreCase("REQUIRETLS"));
        assertThat(new HashSet<>(spellings)).doesNotContain("REQUIRETLS ", "REQUIRETL", "REQUIRETLSX");
    }
}
