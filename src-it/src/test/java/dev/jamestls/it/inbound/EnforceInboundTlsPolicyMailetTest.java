package dev.jamestls.it.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;

/**
 * Inbound rules, for deployments that cannot add the policy hook to smtpserver.xml:
 * the after-DATA mailet applies the same rules from the recorded TLS facts and
 * routes violations to a repository, never dropping mail.
 */
class EnforceInboundTlsPolicyMailetTest {
    static final String VIOLATIONS = "memory://var/mail/tls-violations/";
    static final String DELIVERED = "memory://var/mail/delivered/";
    static final String TESTING = "memory://var/mail/tls-testing-violations/";

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>")
        .confFile("tls-policy.xml", InboundEnforcementTest.POLICY)
        .rootProcessor("""
                  <mailet match="All" class="dev.jamestls.james.mailets.EnforceInboundTlsPolicy">
                    <violationRepository>%s</violationRepository>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.InboundTlsPolicy=violation" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="All" class="ToRepository"><repositoryPath>%s</repositoryPath></mailet>
            """.formatted(VIOLATIONS, TESTING, DELIVERED))
        .build();

    @Test
    void clearTextPartnerMailIsAcceptedInTheDialogueButStoredAsAViolationNotDelivered() throws Exception {
        long violations = james.size(VIOLATIONS);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("billing@partner.example", "bob@james.local", "after-data-clear")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(VIOLATIONS, (int) violations + 1), "after-data-clear");
        assertThat(mail.attribute("dev.jamestls.inbound.rule")).contains("partner-example");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("violation");
        assertThat(mail.attribute("dev.jamestls.inbound.reasonKind")).contains("tls-required");
        assertThat(james.repositories().mails(DELIVERED)).noneMatch(m -> m.header("Subject").equals(Optional.of("after-data-clear")));
    }

    @Test
    void partnerMailOverStartTlsGoesOn() throws Exception {
        long delivered = james.size(DELIVERED);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty())) {
            assertThat(client.send("billing@partner.example", "bob@james.local", "after-data-tls")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(DELIVERED, (int) delivered + 1), "after-data-tls");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("compliant");
    }

    @Test
    void testingModeViolationIsRecordedAndTheMailGoesOn() throws Exception {
        long testing = james.size(TESTING);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("news@staged.example", "bob@james.local", "after-data-staged")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(TESTING, (int) testing + 1), "after-data-staged");
        assertThat(mail.attribute("dev.jamestls.inbound.mode")).contains("testing");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("violation");
    }
}
