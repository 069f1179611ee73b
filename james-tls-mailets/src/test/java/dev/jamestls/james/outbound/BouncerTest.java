package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.ARRIVAL;
import static dev.jamestls.james.outbound.ScriptedDelivery.BOUNCES;
import static dev.jamestls.james.outbound.ScriptedDelivery.CLOCK;
import static dev.jamestls.james.outbound.ScriptedDelivery.REPORTING_MTA;
import static dev.jamestls.james.outbound.ScriptedDelivery.SCHEDULE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.queue.api.MailQueue;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.api.Test;

import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.outbound.DeliveryDecision;

/**
 * What becomes of a mail that cannot be delivered: a DSN to its sender (RFC 3464), or the bounce processor; a DSN that
 * cannot be sent waits for the retry schedule, then the error processor; never dropped. Real apache-mailet-test fakes
 * record what is sent; no James runs.
 */
class BouncerTest {
    private static final DeliveryDecision TLS_NOT_SECURED = new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, "4.7.5",
        "TLS required by connector partner-example (encrypt) could not be secured for partner.example: STARTTLS not offered "
            + "(gave up after 4 attempt round(s))", Optional.empty());
    private static final DeliveryDecision ENCRYPTION_NEEDED = new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, "5.7.10",
        "TLS required by connector strict-example (encrypt) could not be secured for strict.example: STARTTLS not offered",
        Optional.empty());

    private final RecordingMailQueue queue = new RecordingMailQueue();
    private final ScriptedMailetContext james = new ScriptedMailetContext();

    BouncerTest() throws Exception {
    }

    private Bouncer bouncer() {
        return bouncer(Optional.empty());
    }

    private Bouncer bouncer(Optional<String> bounceProcessor) {
        return new Bouncer(james.context(), queue, SCHEDULE, bounceProcessor, REPORTING_MTA, ScriptedDelivery.noMetrics(),
            CLOCK);
    }

    /** A mail from {@code sender@james.local} whose round decided {@code decision}, as the round leaves it. */
    static FakeMail failedMail(DeliveryDecision decision, String... recipients) throws Exception {
        return failedMail(MaybeSender.of(new MailAddress("sender@james.local")), decision, recipients);
    }

    static FakeMail failedMail(MaybeSender sender, DeliveryDecision decision, String... recipients) throws Exception {
        FakeMail mail = ScriptedDelivery.mail(sender, ARRIVAL, recipients);
        OutboundAttributes.setRound(mail, List.of(), decision);
        mail.setAttribute(new Attribute(OutboundAttributes.MX, AttributeValue.of("mx2.partner.example")));
        return mail;
    }

    @Test
    void sendsTheSenderAFailureDsnFromTheNullSenderWithTheRoundsStatusForEveryRecipient() throws Exception {
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example", "b@partner.example");

        bouncer().bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(james.allSent()).hasSize(1);
        FakeMailContext.SentMail sent = james.dsns().get(0);
        assertThat(sent.getSender().isNullSender()).isTrue();
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("sender@james.local"));
        Dsn dsn = Dsn.read(sent.getMsg());
        assertThat(dsn.from()).isEqualTo(ScriptedMailetContext.POSTMASTER);
        assertThat(dsn.to()).isEqualTo("sender@james.local");
        assertThat(dsn.reportType()).isEqualTo("delivery-status");
        assertThat(dsn.perMessage()).containsEntry("Reporting-MTA", "dns; " + REPORTING_MTA);
        assertThat(ZonedDateTime.parse(dsn.perMessage().get("Arrival-Date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
            .isEqualTo(ARRIVAL);
        assertThat(dsn.perRecipient()).extracting(fields -> fields.get("Final-Recipient"))
            .containsExactly("rfc822; a@partner.example", "rfc822; b@partner.example");
        assertThat(dsn.perRecipient()).allSatisfy(fields -> {
            assertThat(fields).containsEntry("Action", "failed").containsEntry("Status", "4.7.5")
                .containsEntry("Remote-MTA", "dns; mx2.partner.example");
            assertThat(fields.get("Diagnostic-Code")).isEqualTo("smtp; " + TLS_NOT_SECURED.diagnostic());
        });
        assertThat(dsn.returnedHeaders()).contains("Subject: quarterly report");
        assertThat(queue.enqueued()).isEmpty();
        assertThat(OutboundAttributes.bounceFailures(mail)).isZero();
    }

    @Test
    void theDsnOfARequireTlsMailTravelsUnderRequireTlsAndReturnsNoContent() throws Exception {
        DeliveryDecision refused = new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, "5.7.30",
            "the sender requires TLS (REQUIRETLS, RFC 8689) and no host of partner.example meets it", Optional.empty());
        FakeMail mail = failedMail(refused, "a@partner.example");
        RequireTlsAttributes.set(mail, SenderTlsDemand.REQUIRETLS);

        bouncer().bounceOrRetryLater(mail, refused, "mx2.partner.example");

        FakeMailContext.SentMail sent = james.allSent().get(0);
        assertThat(james.allSent()).hasSize(1);
        // FakeMailContext records a Mail's null sender as no sender.
        assertThat(sent.getSender() == null || sent.getSender().isNullSender()).as("from the null sender").isTrue();
        assertThat(sent.getRecipients()).containsExactly(new MailAddress("sender@james.local"));
        assertThat(sent.getAttributes().get(RequireTlsAttributes.TLS_REQUIRED).getValue().value()).isEqualTo("requiretls");
        Dsn dsn = Dsn.read(sent.getMsg());
        assertThat(dsn.perRecipient()).singleElement().satisfies(fields -> assertThat(fields).containsEntry("Status", "5.7.30"));
        assertThat(dsn.returnedHeaders()).contains("Subject: quarterly report");
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        sent.getMsg().writeTo(wire);
        assertThat(wire.toString(java.nio.charset.StandardCharsets.UTF_8)).as("the original's body").doesNotContain("body");
    }

    @Test
    void aPermanentRuleReportsEncryptionNeeded() throws Exception {
        bouncer().bounceOrRetryLater(failedMail(ENCRYPTION_NEEDED, "a@strict.example"), ENCRYPTION_NEEDED, "mx1.strict.example");

        Dsn dsn = Dsn.read(james.dsns().get(0).getMsg());
        assertThat(dsn.perRecipient()).singleElement().satisfies(fields -> assertThat(fields)
            .containsEntry("Final-Recipient", "rfc822; a@strict.example").containsEntry("Status", "5.7.10"));
    }

    @Test
    void aBounceProcessorGetsTheMailItselfWithJamesDeliveryErrorAndNoDsnIsSent() throws Exception {
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");

        bouncer(Optional.of(BOUNCES)).bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(james.allSent()).singleElement().satisfies(handed -> {
            assertThat(handed.getState()).isEqualTo(BOUNCES);
            assertThat(handed.getRecipients()).containsExactly(new MailAddress("a@partner.example"));
            assertThat(handed.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value())
                .isEqualTo(TLS_NOT_SECURED.diagnostic());
            assertThat(handed.getAttributes().get(OutboundAttributes.DSN_STATUS).getValue().value()).isEqualTo("4.7.5");
        });
        assertThat(queue.enqueued()).isEmpty();
    }

    @Test
    void aMailFromTheNullSenderGetsNoDsnAndIsKeptInTheErrorProcessor() throws Exception {
        // RFC 3464 §2 / RFC 5321 §6.1: a failed notification is not answered with another one; nor is it dropped.
        FakeMail mail = failedMail(MaybeSender.nullSender(), TLS_NOT_SECURED, "a@partner.example");

        bouncer().bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(james.dsns()).isEmpty();
        assertThat(james.allSent()).hasSize(1);
        assertThat(james.handedTo(Mail.ERROR)).singleElement().satisfies(kept -> assertThat(
            kept.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value().toString())
            .startsWith("a notification (null sender) could not be delivered: 4.7.5"));
        assertThat(queue.enqueued()).isEmpty();
        assertThat(OutboundAttributes.bounceFailures(mail)).isZero();
    }

    @Test
    void aMailFromTheNullSenderStillGoesToTheBounceProcessorWhichDecidesItself() throws Exception {
        FakeMail mail = failedMail(MaybeSender.nullSender(), TLS_NOT_SECURED, "a@partner.example");

        bouncer(Optional.of(BOUNCES)).bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(james.handedTo(BOUNCES)).hasSize(1);
    }

    @Test
    void aDsnThatCannotBeSentWaitsForTheFirstRetryDelayAndCountsTheFailure() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");

        bouncer().bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofMinutes(5));
            assertThat(OutboundAttributes.bounceFailures(enqueued.mail())).isEqualTo(1);
            // What the DSN will say when it is tried again.
            assertThat(OutboundAttributes.pendingBounce(enqueued.mail())).contains(TLS_NOT_SECURED);
            assertThat(enqueued.mail().getRecipients()).containsExactly(new MailAddress("a@partner.example"));
        });
        assertThat(james.allSent()).isEmpty();
    }

    @Test
    void aBounceProcessorThatRefusesTheMailIsTriedAgainLikeADsn() throws Exception {
        james.refuseProcessor(BOUNCES, new IllegalStateException("processor bounces is not started"));
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");

        bouncer(Optional.of(BOUNCES)).bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example");

        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofMinutes(5));
            assertThat(OutboundAttributes.bounceFailures(enqueued.mail())).isEqualTo(1);
        });
    }

    @Test
    void laterDsnFailuresFollowTheScheduleThenTheMailIsKeptInTheErrorProcessor() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");
        Bouncer bouncer = bouncer();

        for (int failure = 1; failure <= SCHEDULE.maxRetries() + 1; failure++) {
            bouncer.retryBounce(mail);
        }

        assertThat(queue.enqueued()).extracting(RecordingMailQueue.Enqueued::delay)
            .containsExactly(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(1));
        assertThat(james.handedTo(Mail.ERROR)).singleElement().satisfies(kept -> {
            assertThat(kept.getRecipients()).containsExactly(new MailAddress("a@partner.example"));
            assertThat(kept.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value())
                .isEqualTo("DSN 4.7.5 could not be sent: " + TLS_NOT_SECURED.diagnostic());
        });
        assertThat(OutboundAttributes.bounceFailures(mail)).isEqualTo(SCHEDULE.maxRetries() + 1);
    }

    @Test
    void whenTheErrorProcessorRefusesTooTheCallerIsToldSoItKeepsTheMail() throws Exception {
        james.refuseDsn(new MessagingException("spool full")).refuseProcessor(Mail.ERROR, new IllegalStateException("spool full"));
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");
        OutboundAttributes.setBounceFailures(mail, SCHEDULE.maxRetries());

        assertThatThrownBy(() -> bouncer().bounceOrRetryLater(mail, TLS_NOT_SECURED, "mx2.partner.example"))
            .isInstanceOf(MessagingException.class).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(queue.enqueued()).isEmpty();
    }

    @Test
    void whenTheQueueRefusesTheWaitingDsnTheCallerIsToldSoItKeepsTheMail() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        queue.refuse();

        assertThatThrownBy(() -> bouncer().bounceOrRetryLater(failedMail(TLS_NOT_SECURED, "a@partner.example"), TLS_NOT_SECURED,
            "mx2.partner.example")).isInstanceOf(MailQueue.MailQueueException.class);
    }

    @Test
    void retryingABounceSendsTheDsnOfTheRecordedRoundToItsLastHost() throws Exception {
        FakeMail mail = failedMail(ENCRYPTION_NEEDED, "a@strict.example");
        OutboundAttributes.setBounceFailures(mail, 1);

        bouncer().retryBounce(mail);

        Dsn dsn = Dsn.read(james.dsns().get(0).getMsg());
        assertThat(dsn.perRecipient()).singleElement().satisfies(fields -> assertThat(fields)
            .containsEntry("Status", "5.7.10").containsEntry("Remote-MTA", "dns; mx2.partner.example"));
        assertThat(queue.enqueued()).isEmpty();
    }

    @Test
    void aMailWaitingForItsDsnWithoutTheRoundsStatusIsRefusedToTheCaller() throws Exception {
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");
        mail.removeAttribute(OutboundAttributes.DSN_STATUS);

        assertThatThrownBy(() -> bouncer().retryBounce(mail)).isInstanceOf(MessagingException.class);
        assertThat(james.allSent()).isEmpty();
    }

    @Test
    void recipientsRefusedWhileOthersReceivedTheMailAreBouncedOnTheirOwn() throws Exception {
        FakeMail copy = failedMail(ENCRYPTION_NEEDED, "b@partner.example");

        bouncer().bounceOrWait(copy, ENCRYPTION_NEEDED, "mx1.partner.example", 0);

        Dsn dsn = Dsn.read(james.dsns().get(0).getMsg());
        assertThat(dsn.perRecipient()).extracting(fields -> fields.get("Final-Recipient")).containsExactly("rfc822; b@partner.example");
        assertThat(queue.enqueued()).isEmpty();
    }

    @Test
    void recipientsWhoseBounceFailsWaitTheLongestDelayAsARetryNotAsAWholeMail() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        FakeMail copy = failedMail(ENCRYPTION_NEEDED, "b@partner.example");

        bouncer().bounceOrWait(copy, ENCRYPTION_NEEDED, "mx1.partner.example", 1);

        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofHours(1));
            assertThat(enqueued.mail().getRecipients()).containsExactly(new MailAddress("b@partner.example"));
            assertThat(OutboundAttributes.retries(enqueued.mail())).isEqualTo(2);
            assertThat(OutboundAttributes.bounceFailures(enqueued.mail())).isZero();
        });
    }

    @Test
    void theErrorProcessorKeepsTheMailWithTheReason() throws Exception {
        FakeMail mail = failedMail(TLS_NOT_SECURED, "a@partner.example");

        bouncer().keepInErrorProcessor(mail, "the outgoing queue refused it back");

        assertThat(james.handedTo(Mail.ERROR)).singleElement().satisfies(kept -> assertThat(
            kept.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value())
            .isEqualTo("the outgoing queue refused it back"));
    }
}
