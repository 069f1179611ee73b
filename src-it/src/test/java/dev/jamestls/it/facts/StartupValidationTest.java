package dev.jamestls.it.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;

/** Bad configuration of our components stops a real James at startup with a message that stands on its own. */
class StartupValidationTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown protocol | <mailet match=\"dev.jamestls.james.matchers.SentOverTls=TLSv9\" class=\"Null\"/> "
            + "| matcher SentOverTls: invalid condition 'TLSv9': unknown TLS protocol; accepted: empty (any TLS) or TLSv1, TLSv1.1, TLSv1.2, TLSv1.3",
        "condition on HasClientCertificate | <mailet match=\"dev.jamestls.james.matchers.HasClientCertificate=yes\" class=\"Null\"/> "
            + "| matcher HasClientCertificate: takes no condition, got 'yes'",
        "misspelt mailet parameter | <mailet match=\"All\" class=\"dev.jamestls.james.mailets.AddTlsHeader\"><includeClientIdentiy>true</includeClientIdentiy></mailet> "
            + "| mailet AddTlsHeader: unknown parameter includeClientIdentiy; accepted: header, includeClientIdentity",
        "lenient boolean | <mailet match=\"All\" class=\"dev.jamestls.james.mailets.AddTlsHeader\"><includeClientIdentity>yes</includeClientIdentity></mailet> "
            + "| mailet AddTlsHeader: invalid includeClientIdentity 'yes'; accepted: true, false",
    })
    void jamesRefusesToStartAndNamesComponentValueAndAcceptedForms(String reason, String mailet, String message) {
        InProcessJames james = InProcessJames.builder()
            .listener(Listener.startTls("mx"))
            .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>")
            .rootProcessor(mailet)
            .build();
        try {
            Throwable failure = catchThrowable(james::start);

            assertThat(failure).as(reason).isNotNull();
            assertThat(messages(failure)).as(reason).contains(message);
        } finally {
            james.stop();
        }
    }

    @Test
    void unknownHookClassIsReportedByJames() {
        InProcessJames james = InProcessJames.builder()
            .listener(Listener.startTls("mx"))
            .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactHook\"/>")
            .build();
        try {
            Throwable failure = catchThrowable(james::start);

            assertThat(messages(failure)).anyMatch(text -> text.contains("dev.jamestls.james.smtp.TlsFactHook"));
        } finally {
            james.stop();
        }
    }

    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            messages.add(String.valueOf(cause.getMessage()));
        }
        return messages;
    }
}
