package dev.jamestls.it.inbound;

import static dev.jamestls.it.harness.PolicyXml.connector;
import static dev.jamestls.it.harness.PolicyXml.inbound;
import static dev.jamestls.policy.Failure.PERMANENT;
import static dev.jamestls.policy.Failure.TEMPORARY;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.PolicyXml;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;
import dev.jamestls.tls.TlsProtocol;

/** Inbound rules against a real James 3.8.1: partner domains must arrive over TLS, refused in the dialogue. */
class InboundEnforcementTest {
    static final String VIOLATIONS = "memory://var/mail/tls-testing-violations/";
    static final String PARTNER = "memory://var/mail/partner/";
    static final String OTHER = "memory://var/mail/other/";

    static final String POLICY = PolicyXml.opportunistic()
        .connector(connector("partner-example").inbound(inbound(true).failure(PERMANENT).senderDomain("partner.example")))
        .connector(connector("lenient-example").inbound(inbound(true).senderDomain("lenient.example")))
        .connector(connector("retrying-example").inbound(inbound(true).failure(TEMPORARY).senderDomain("retrying.example")
            .partnerIp("192.0.2.0/24")))
        .connector(connector("staged-example").testing().inbound(inbound(true).senderDomain("staged.example")))
        .connector(connector("modern-example").inbound(inbound(true).minimumProtocol(TlsProtocol.TLS_1_3).failure(PERMANENT)
            .senderDomain("modern.example")))
        .connector(connector("fenced-example").inbound(inbound(false).failure(PERMANENT).senderDomain("fenced.example")
            .partnerIp("192.0.2.0/24")))
        .connector(connector("books").inbound(inbound(true).failure(PERMANENT).senderDomain("bücher.example")))
        .connector(connector("bounces").inbound(inbound(true).nullSender().failure(PERMANENT)))
        .xml();

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .jamesTlsHooks()
        .confFile("tls-policy.xml", POLICY)
        .rootProcessor("""
                  <mailet match="dev.jamestls.james.matchers.InboundTlsPolicy=violation" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="dev.jamestls.james.matchers.FromPartner=partner-example" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(VIOLATIONS, PARTNER, OTHER))
        .build();

    static final String MUST_STARTTLS_PARTNER =
        "530 5.7.0 Must issue a STARTTLS command first (connector partner-example requires TLS for partner.example)";

    @Test
    void clearTextFromPartnerIsRefusedAtMailFromAndNothingIsQueued() throws Exception {
        long before = total();
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.mailFrom("billing@partner.example")).isEqualTo(530);
            assertThat(withoutSession(client.lastReply())).isEqualTo(MUST_STARTTLS_PARTNER);
        }
        assertNothingQueuedSince(before);
    }

    @Test
    void pipelinedTransactionFromPartnerInClearTextIsAnsweredCommandByCommandAndNothingQueued() throws Exception {
        long before = total();
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            List<String> replies = client.pipeline("MAIL FROM:<billing@partner.example>\nRCPT TO:<bob@james.local>\nDATA\n", 3);

            assertThat(withoutSession(replies.get(0))).isEqualTo(MUST_STARTTLS_PARTNER);
            assertThat(replies.get(1)).startsWith("503");
            assertThat(replies.get(2)).startsWith("503");
        }
        assertNothingQueuedSince(before);
    }

    @Test
    void decisionsAreCountedPerConnectorAndVerdict() throws Exception {
        long refused = james.metric("jamestls.inbound.partner-example.violation");
        long accepted = james.metric("jamestls.inbound.partner-example.compliant");
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            client.mailFrom("billing@partner.example");
        }
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty())) {
            client.mailFrom("billing@partner.example");
        }
        assertThat(james.metric("jamestls.inbound.partner-example.violation")).isEqualTo(refused + 1);
        assertThat(james.metric("jamestls.inbound.partner-example.compliant")).isEqualTo(accepted + 1);
    }

    @Test
    void partnerMailOverStartTlsIsAcceptedAlsoAfterRsetInTheSameSession() throws Exception {
        long before = james.size(PARTNER);
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty())) {
            assertThat(client.send("billing@partner.example", "bob@james.local", "partner-1")).isEqualTo(250);
            assertThat(client.rset()).isEqualTo(250);
            assertThat(client.send("billing@partner.example", "bob@james.local", "partner-2")).isEqualTo(250);
        }

        List<StoredMail> mails = james.awaitMails(PARTNER, (int) before + 2);
        StoredMail second = StoredMail.withSubject(mails, "partner-2");
        assertThat(second.attribute("dev.jamestls.inbound.rule")).contains("partner-example");
        assertThat(second.attribute("dev.jamestls.inbound.ruleKind")).contains("connector");
        assertThat(second.attribute("dev.jamestls.inbound.mode")).contains("enforce");
        assertThat(second.attribute("dev.jamestls.inbound.verdict")).contains("compliant");
        assertThat(second.attribute("dev.jamestls.inbound.reasonKind")).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "Partner.EXAMPLE, 530",
        "PARTNER.example, 530",
        "xn--bcher-kva.example, 530",
        "partner.example.evil, 250",
        "evilpartner.example, 250",
    })
    void senderDomainVariantsMatchTheRuleAndLookAlikesDoNot(String domain, int expected) throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.mailFrom("someone@" + domain)).as(client.lastReply()).isEqualTo(expected);
        }
    }

    @Test
    void nullSenderInClearTextPassesMailFromAndIsRefusedAtRcptWhereAConnectorClaimsIt() throws Exception {
        long before = total();
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.mailFrom("")).isEqualTo(250);
            assertThat(client.rcptTo("bob@james.local")).isEqualTo(530);
            assertThat(withoutSession(client.lastReply()))
                .isEqualTo("530 5.7.0 Must issue a STARTTLS command first (connector bounces requires TLS for <>)");
        }
        assertNothingQueuedSince(before);
    }

    /**
     * Clear-text transactions a hostile client plays to get mail past a rule: a verdict must belong to
     * the MAIL (or RCPT, for the null sender) that earned it and die with the transaction. Each row is
     * one dialogue; {@code delivered} names the verdict the accepted mail must carry, or "-" when the
     * dialogue must end without a message.
     */
    static List<Arguments> transactionsThatMustNotReuseAVerdict() {
        return List.of(
            Arguments.of("refused sender, then the null sender inherits nothing",
                List.of("MAIL a@partner.example 530", "MAIL <> 250", "RCPT bob@james.local 530", "DATA 503"), "-"),
            Arguments.of("refused sender, then another sender is judged afresh",
                List.of("MAIL a@partner.example 530", "MAIL c@elsewhere.example 250", "RCPT bob@james.local 250", "DATA 250"),
                "defaults compliant"),
            Arguments.of("accepted sender, RSET, then the null sender inherits nothing",
                List.of("MAIL c@elsewhere.example 250", "RSET 250", "MAIL <> 250", "RCPT bob@james.local 530", "DATA 503"), "-"),
            Arguments.of("null sender refused at RCPT stays refused at the next RCPT",
                List.of("MAIL <> 250", "RCPT bob@james.local 530", "RCPT alice@james.local 530", "DATA 503"), "-"),
            Arguments.of("refused partner, RSET, then the null sender inherits nothing",
                List.of("MAIL a@partner.example 530", "RSET 250", "MAIL <> 250", "RCPT bob@james.local 530", "DATA 503"), "-"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transactionsThatMustNotReuseAVerdict")
    void everyTransactionIsJudgedAfresh(String reason, List<String> steps, String delivered) throws Exception {
        long before = total();
        long others = james.size(OTHER);
        String subject = "fresh-" + System.nanoTime();
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            for (String step : steps) {
                String[] parts = step.split(" ");
                int expected = Integer.parseInt(parts[parts.length - 1]);
                int actual = switch (parts[0]) {
                    case "MAIL" -> client.mailFrom(parts[1].equals("<>") ? "" : parts[1]);
                    case "RCPT" -> client.rcptTo(parts[1]);
                    case "RSET" -> client.rset();
                    case "DATA" -> client.data(SmtpTestClient.message("c@elsewhere.example", "bob@james.local", subject));
                    default -> throw new IllegalArgumentException("unknown step " + step);
                };
                assertThat(actual).as("%s: %s%n%s", reason, step, String.join("\n", client.transcript())).isEqualTo(expected);
            }
        }
        if (delivered.equals("-")) {
            assertNothingQueuedSince(before);
            return;
        }
        StoredMail mail = StoredMail.withSubject(james.awaitMails(OTHER, (int) others + 1), subject);
        String[] verdict = delivered.split(" ");
        assertThat(mail.attribute("dev.jamestls.inbound.rule")).as(reason).contains(verdict[0]);
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).as(reason).contains(verdict[1]);
    }

    @Test
    void testingModeAcceptsTheMailAndRecordsTheViolation() throws Exception {
        long before = james.size(VIOLATIONS);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("news@staged.example", "bob@james.local", "staged")).isEqualTo(250);
        }

        StoredMail mail = StoredMail.withSubject(james.awaitMails(VIOLATIONS, (int) before + 1), "staged");
        assertThat(mail.attribute("dev.jamestls.inbound.rule")).contains("staged-example");
        assertThat(mail.attribute("dev.jamestls.inbound.mode")).contains("testing");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("violation");
        assertThat(mail.attribute("dev.jamestls.inbound.reasonKind")).contains("tls-required");
        assertThat(mail.attribute("dev.jamestls.inbound.reason"))
            .contains("connector staged-example requires TLS for mail from staged.example; the session is clear text");
    }

    @Test
    void protocolBelowTheConnectorMinimumIsRefusedNamingBothProtocols() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty(), "TLSv1.2")) {
            assertThat(client.mailFrom("ops@modern.example")).isEqualTo(530);
            assertThat(withoutSession(client.lastReply()))
                .isEqualTo("530 5.7.0 TLSv1.2 negotiated, connector modern-example requires TLSv1.3 or later");
        }
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty(), "TLSv1.3")) {
            assertThat(client.mailFrom("ops@modern.example")).isEqualTo(250);
        }
    }

    @Test
    void partnerOutsideItsIpRangesIsRefusedNamingTheDomainNotTheRanges() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.mailFrom("ops@fenced.example")).isEqualTo(550);
            assertThat(withoutSession(client.lastReply())).isEqualTo("550 5.7.1 Mail from fenced.example is not accepted from 127.0.0.1");
        }
    }

    @Test
    void otherSendersGetTheOpportunisticDefaults() throws Exception {
        long before = james.size(OTHER);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("alice@elsewhere.example", "bob@james.local", "default")).isEqualTo(250);
        }
        StoredMail mail = StoredMail.withSubject(james.awaitMails(OTHER, (int) before + 1), "default");
        assertThat(mail.attribute("dev.jamestls.inbound.rule")).contains("defaults");
        assertThat(mail.attribute("dev.jamestls.inbound.verdict")).contains("compliant");
    }

    /**
     * A connector's {@code failure="temporary"} (the default) refuses with 4xx so the partner's MTA keeps the
     * mail and retries (RFC 3463 §2: 4.7.x, the same subject and detail as the permanent 5.7.x).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        failure absent: temporary by default, clear text | ops@lenient.example   | 451 4.7.0 Must issue a STARTTLS command first (connector lenient-example requires TLS for lenient.example)
        failure="temporary", outside the partner IPs     | ops@retrying.example  | 450 4.7.1 Mail from retrying.example is not accepted from 127.0.0.1
        failure="permanent", clear text                  | ops@partner.example   | 530 5.7.0 Must issue a STARTTLS command first (connector partner-example requires TLS for partner.example)
        failure="permanent", outside the partner IPs     | ops@fenced.example    | 550 5.7.1 Mail from fenced.example is not accepted from 127.0.0.1
        """)
    void refusalsAreTemporaryOrPermanentAsTheConnectorSays(String reason, String sender, String expected) throws Exception {
        long before = total();
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            client.mailFrom(sender);
            assertThat(withoutSession(client.lastReply())).as(reason).isEqualTo(expected);
            // A refused MAIL leaves nothing behind: RCPT has no sender, DATA no recipient.
            assertThat(client.rcptTo("bob@james.local")).as(reason).isEqualTo(503);
        }
        assertNothingQueuedSince(before);
    }

    /** Our replies end with the session id that leads to the full log line; the rest is fixed text. */
    static String withoutSession(String reply) {
        assertThat(reply).matches(".* \\(session [0-9a-zA-Z-]+\\)$");
        return reply.replaceFirst(" \\(session [0-9a-zA-Z-]+\\)$", "");
    }

    private static long total() {
        return james.size(VIOLATIONS) + james.size(PARTNER) + james.size(OTHER) + james.size("memory://var/mail/error/");
    }

    /** Sends a compliant sentinel and waits for it, so anything queued before it has been processed too. */
    private static void assertNothingQueuedSince(long before) throws Exception {
        long others = james.size(OTHER);
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.send("sentinel@elsewhere.example", "bob@james.local", "sentinel")).isEqualTo(250);
        }
        james.awaitMails(OTHER, (int) others + 1);
        assertThat(total()).isEqualTo(before + 1);
    }

}
