package dev.jamestls.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A peer's refusal as values: reply code (RFC 5321 §4.2), enhanced status (RFC 3463 §2, RFC 2034 §4), one line of text. */
class PeerReplyTest {

    @ParameterizedTest(name = "{0} ''{1}'' -> status {2}: {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        "550 | 550 5.1.1 no such user           | 5.1.1 | 5.1.1 | the enhanced status follows the code",
        "451 | 451 4.3.0 try later              | 4.3.0 | 4.3.0 | temporary form",
        "550 | 550-5.7.1 first line             | 5.7.1 | 5.7.1 | a continuation line carries it too",
        "554 | 554 no thanks                    | -     | 5.0.0 | no enhanced status: X.0.0 of the class (RFC 3463 §3.1)",
        "450 | 450 busy                         | -     | 4.0.0 | no enhanced status, temporary class",
        "550 | 550 4.2.1 says temporary         | -     | 5.0.0 | a status of the other class is not the peer's status (RFC 3463 §2)",
        "550 | 550 see 5.1.1 later in the text  | -     | 5.0.0 | only right after the code (RFC 2034 §4)",
        "550 | 5.1.1 user unknown               | 5.1.1 | 5.1.1 | text kept without its code gets the code read from the client",
    })
    void theStatusComesFromTheReplyValues(int code, String reply, String enhanced, String status, String reason) {
        PeerReply parsed = PeerReply.of(code, reply);

        assertThat(parsed.code()).isEqualTo(code);
        assertThat(parsed.enhancedStatus()).isEqualTo(Optional.ofNullable(enhanced));
        assertThat(parsed.status()).isEqualTo(status);
        assertThat(parsed.permanent()).isEqualTo(code >= 500);
        assertThat(parsed.text()).startsWith(Integer.toString(code));
    }

    @Test
    void aMultiLineReplyIsOneLine() {
        PeerReply reply = PeerReply.of(550, "550-5.7.1 policy\r\n550 5.7.1 see https://partner.example/policy\n");

        assertThat(reply.text()).isEqualTo("550-5.7.1 policy 550 5.7.1 see https://partner.example/policy");
        assertThat(reply).hasToString(reply.text());
        assertThat(reply.enhancedStatus()).contains("5.7.1");
    }

    @Test
    void aReplyWithoutTextIsItsCode() {
        assertThat(PeerReply.of(421, null).text()).isEqualTo("421");
        assertThat(PeerReply.of(421, "").status()).isEqualTo("4.0.0");
    }

    @Test
    void onlyNegativeRepliesWithAStatusOfTheirClass() {
        assertThatThrownBy(() -> PeerReply.of(250, "250 ok")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("a peer's refusal has a 4xx or 5xx reply code (RFC 5321 §4.2.1), not 250");
        assertThatThrownBy(() -> new PeerReply(550, Optional.of("4.2.1"), "550 4.2.1 odd"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("enhanced status 4.2.1 does not fit reply code 550 (RFC 3463 §2: same class digit)");
        assertThatThrownBy(() -> new PeerReply(550, Optional.of("5.1"), "550 5.1 short"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("enhanced status 5.1 does not fit reply code 550 (RFC 3463 §2: same class digit)");
    }
}
