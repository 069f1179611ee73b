package dev.jamestls.requiretls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReceivedDemandTest {

    @ParameterizedTest(name = "REQUIRETLS={0} header={1} -> {2}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
        true  | ABSENT      | REQUIRETLS   | false | the parameter tags the message (RFC 8689 section 4.1)
        true  | NO          | REQUIRETLS   | true  | the parameter wins: TLS-Required MUST be ignored (section 4.1)
        true  | OTHER_VALUE | REQUIRETLS   | true  | whatever the header says
        true  | SEVERAL     | REQUIRETLS   | true  | however many fields
        false | NO          | TLS_OPTIONAL | false | TLS-Required: No without the parameter is recorded
        false | ABSENT      | -            | false | the sender asked nothing
        false | OTHER_VALUE | -            | false | a value other than No asks nothing
        false | SEVERAL     | -            | false | several fields ask nothing
        """)
    void theParameterTakesPrecedenceOverTheHeader(boolean parameter, TlsRequiredHeader header, String expected,
                                                  boolean headerIgnored, String reason) {
        ReceivedDemand demand = new ReceivedDemand(parameter, header);

        assertThat(demand.demand()).as(reason)
            .isEqualTo(expected.equals("-") ? Optional.empty() : Optional.of(SenderTlsDemand.valueOf(expected)));
        assertThat(demand.headerIgnored()).as(reason).isEqualTo(headerIgnored);
    }
}
