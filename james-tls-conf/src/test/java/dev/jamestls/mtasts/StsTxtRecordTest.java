package dev.jamestls.mtasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class StsTxtRecordTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "v=STSv1; id=20160831085700Z;|20160831085700Z",
        "v=STSv1;id=abc|abc",
        "v=STSv1 ;\tid=abc ; |abc",
        "v=STSv1; id=ABCdef0123456789ABCdef0123456789;|ABCdef0123456789ABCdef0123456789",
        "v=STSv1; ext_1.a=x!y; id=abc; other=~|abc",
    })
    void readsTheIdOfAValidRecord(String text, String id) {
        assertThat(StsTxtRecord.parse(text).id()).isEqualTo(id);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "version in another case|v=stsv1; id=abc;",
        "no id|v=STSv1;",
        "no id, only an extension|v=STSv1; x=y;",
        "id of 33 characters|v=STSv1; id=ABCdef0123456789ABCdef0123456789X;",
        "id with a hyphen|v=STSv1; id=2016-08-31;",
        "empty id|v=STSv1; id=;",
        "two ids|v=STSv1; id=a; id=b;",
        "no delimiter after the version|v=STSv1 id=abc;",
        "two delimiters|v=STSv1;; id=abc;",
        "extension without value|v=STSv1; id=abc; x=;",
        "extension name starting with a hyphen|v=STSv1; id=abc; -x=y;",
        "extension value with '='|v=STSv1; id=abc; x=a=b;",
        "id key in another case|v=STSv1; ID=abc;",
    })
    void refusesAnInvalidRecord(String reason, String text) {
        assertThatThrownBy(() -> StsTxtRecord.parse(text)).as(reason).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void selectsTheOneRecordBeginningWithTheVersionAmongOtherTxtRecords() {
        StsTxtRecord.Selection selection = StsTxtRecord.select(List.of("google-site-verification=xyz", "v=STSv1; id=abc;", "v=spf1 -all"));

        assertThat(selection.record()).contains(new StsTxtRecord("abc"));
    }

    @Test
    void twoRecordsBeginningWithTheVersionMeanNoPolicy() {
        // RFC 8461 §3.1: "If the number of resulting records is not one ... no available MTA-STS policy".
        StsTxtRecord.Selection selection = StsTxtRecord.select(List.of("v=STSv1; id=abc;", "v=STSv1; id=def;"));

        assertThat(selection.record()).isEmpty();
    }

    @Test
    void anInvalidRecordBeginningWithTheVersionCountsAndMeansNoPolicy() {
        assertThat(StsTxtRecord.select(List.of("v=STSv1; id=not-valid;", "v=STSv1; id=abc;")).record()).isEmpty();
        assertThat(StsTxtRecord.select(List.of("v=STSv1; id=not-valid;")).record()).isEmpty();
    }

    @Test
    void recordsOnlyLookingLikeTheVersionAreDiscarded() {
        StsTxtRecord.Selection selection = StsTxtRecord.select(List.of("v=STSv10; id=old;", "v=STSv1; id=abc;"));

        assertThat(selection.record()).isEqualTo(Optional.of(new StsTxtRecord("abc")));
        assertThat(StsTxtRecord.select(List.of()).record()).isEmpty();
    }
}
