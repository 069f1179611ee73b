package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.ARRIVAL;
import static dev.jamestls.james.outbound.ScriptedDelivery.BOUNCES;
import static dev.jamestls.james.outbound.ScriptedDelivery.CLOCK;
import static dev.jamestls.james.outbound.ScriptedDelivery.REPORTING_MTA;
import static dev.jamestls.james.outbound.ScriptedDelivery.SCHEDULE;
import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static dev.jamestls.james.outbound.ScriptedDelivery.twoMxHosts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.queue.api.MailQueue.MailQueueItem.CompletionStatus;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.RecipientRefusal;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.smtp.PeerReply;

/**
 * The fate of one mail taken from the outgoing queue (SPEC §2: kept, retried or refused, never dropped): a real
 * {@link DeliveryRound} over scripted peers, a real {@link Bouncer}, apache-mailet-test's mailet context and a
 * queue that records what it is asked. Every test says how the queue item was completed.
 */
class QueuedMailDeliveryTest {
    /** The peer takes the mail over TLS. */
    private static final Function<TlsPlan, AttemptObservation> DELIVERS =
        plan -> observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT);
    /** The peer offers no STARTTLS: a rule that requires TLS sends nothing. */
    private static final Function<TlsPlan, AttemptObservation> NO_STARTTLS =
        plan -> observed(TlsStage.NOT_OFFERED, false, TransactionResult.NOT_STARTED);

    @TempDir
    Path dir;

    private final RecordingMailQueue queue = new RecordingMailQueue();
    private final ScriptedMailetContext james = new ScriptedMailetContext();
    /** The plans the peers were asked to take a mail under, in order. */
    private final List<TlsPlan> attempted = new ArrayList<>();

    QueuedMailDeliveryTest() throws Exception {
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private QueuedMailDelivery delivery(Function<TlsPlan, AttemptObservation> peer) throws Exception {
        return delivery(Optional.empty(), peer, ScriptedDelivery.noMetrics());
    }

    private QueuedMailDelivery delivery(Optional<String> bounceProcessor, Function<TlsPlan, AttemptObservation> peer,
                                        MetricFactory roundMetrics) throws Exception {
        DeliveryRound round = ScriptedDelivery.round(ScriptedDelivery.policy(dir, CLOCK), twoMxHosts(), ScriptedDelivery.peer(plan -> {
            attempted.add(plan);
            return peer.apply(plan);
        }), SCHEDULE, roundMetrics, CLOCK);
        Bouncer bouncer = new Bouncer(james.context(), queue, SCHEDULE, bounceProcessor, REPORTING_MTA, ScriptedDelivery.noMetrics(),
            CLOCK);
        return new QueuedMailDelivery(queue, round, bouncer, SCHEDULE);
    }

    private static FakeMail mail(String... recipients) throws Exception {
        return ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), ARRIVAL, recipients);
    }

    private static String attribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> String.valueOf(attribute.getValue().value())).orElse(null);
    }

    @Test
    void aDeliveredMailIsDoneAndNotQueuedAgain() throws Exception {
        FakeMail mail = mail("user@partner.example");
        RecordingMailQueue.Item item = queue.item(mail);

        delivery(DELIVERS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).isEmpty();
        assertThat(james.allSent()).isEmpty();
        assertThat(OutboundAttributes.verdict(mail)).contains(AttemptVerdict.DELIVERED.spelling());
        assertThat(attribute(mail, OutboundAttributes.DSN_STATUS)).isNull();
    }

    @Test
    void aTemporaryFailureGoesBackToTheQueueWithTheFirstDelayAndTheRoundsAttributes() throws Exception {
        RecordingMailQueue.Item item = queue.item(mail("user@partner.example"));

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofMinutes(5));
            Mail again = enqueued.mail();
            assertThat(again.getRecipients()).containsExactly(new MailAddress("user@partner.example"));
            assertThat(OutboundAttributes.retries(again)).isEqualTo(1);
            assertThat(attribute(again, OutboundAttributes.DSN_STATUS)).isEqualTo("4.7.5");
            assertThat(OutboundAttributes.verdict(again)).contains(AttemptVerdict.TLS_NOT_SECURED.spelling());
            assertThat(OutboundAttributes.mx(again)).contains("mx2.partner.example");
            assertThat(attribute(again, OutboundAttributes.RULE)).isEqualTo("partner-example");
            assertThat(again.getAttribute(OutboundAttributes.ATTEMPTS).orElseThrow().getValue().value()).asList().hasSize(2);
        });
        assertThat(james.allSent()).isEmpty();
    }

    @Test
    void aLaterRetryWaitsTheDelayOfItsPlaceInTheSchedule() throws Exception {
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, 1);

        delivery(NO_STARTTLS).accept(queue.item(mail));

        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofHours(1));
            assertThat(OutboundAttributes.retries(enqueued.mail())).isEqualTo(2);
        });
    }

    @Test
    void whenTheRetriesAreExhaustedTheSenderGetsADsnWithTheTemporaryTlsStatus() throws Exception {
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, SCHEDULE.maxRetries());
        RecordingMailQueue.Item item = queue.item(mail);

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).isEmpty();
        assertThat(james.dsns()).singleElement().satisfies(sent -> {
            assertThat(sent.getRecipients()).containsExactly(new MailAddress("sender@james.local"));
            Dsn dsn = Dsn.read(sent.getMsg());
            assertThat(dsn.perRecipient()).singleElement().satisfies(fields -> assertThat(fields)
                .containsEntry("Final-Recipient", "rfc822; user@partner.example").containsEntry("Status", "4.7.5")
                .containsEntry("Remote-MTA", "dns; mx2.partner.example"));
        });
    }

    @Test
    void aRuleWithPermanentFailureBouncesAtOnceWithEncryptionNeeded() throws Exception {
        RecordingMailQueue.Item item = queue.item(mail("user@strict.example"));

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).isEmpty();
        assertThat(Dsn.read(james.dsns().get(0).getMsg()).perRecipient()).singleElement()
            .satisfies(fields -> assertThat(fields).containsEntry("Status", "5.7.10"));
    }

    @Test
    void withABounceProcessorTheExhaustedMailIsHandedToItInsteadOfADsn() throws Exception {
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, SCHEDULE.maxRetries());

        delivery(Optional.of(BOUNCES), NO_STARTTLS, ScriptedDelivery.noMetrics()).accept(queue.item(mail));

        assertThat(james.dsns()).isEmpty();
        assertThat(james.handedTo(BOUNCES)).singleElement().satisfies(handed -> assertThat(handed.getAttributes()
            .get(OutboundAttributes.DSN_STATUS).getValue().value()).isEqualTo("4.7.5"));
    }

    @Test
    void aDsnThatCannotBeSentWaitsInTheQueueAndIsThenSentWithoutDeliveringTheMailAgain() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, SCHEDULE.maxRetries());
        RecordingMailQueue.Item first = queue.item(mail);
        QueuedMailDelivery delivery = delivery(NO_STARTTLS);

        delivery.accept(first);

        assertThat(first.asked()).containsExactly(CompletionStatus.SUCCESS);
        RecordingMailQueue.Enqueued waiting = queue.enqueued().get(0);
        assertThat(waiting.delay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(OutboundAttributes.bounceFailures(waiting.mail())).isEqualTo(1);

        james.acceptAll();
        attempted.clear();
        RecordingMailQueue.Item second = queue.item(waiting.mail());
        delivery.accept(second);

        assertThat(attempted).isEmpty();
        assertThat(second.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).hasSize(1);
        assertThat(Dsn.read(james.dsns().get(0).getMsg()).perRecipient()).singleElement()
            .satisfies(fields -> assertThat(fields).containsEntry("Status", "4.7.5")
                .containsEntry("Final-Recipient", "rfc822; user@partner.example"));
    }

    @Test
    void aFailedNotificationIsNotAnsweredWithAnotherOneButKeptInTheErrorProcessor() throws Exception {
        // RFC 3464 §2, RFC 5321 §6.1: no DSN to the null sender; the mail stays with the postmaster.
        FakeMail notification = ScriptedDelivery.mail(MaybeSender.nullSender(), ARRIVAL, "user@partner.example");
        OutboundAttributes.setRetries(notification, SCHEDULE.maxRetries());
        RecordingMailQueue.Item item = queue.item(notification);

        delivery(NO_STARTTLS).accept(item);

        assertThat(james.dsns()).isEmpty();
        assertThat(james.handedTo(Mail.ERROR)).hasSize(1);
        assertThat(queue.enqueued()).isEmpty();
        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
    }

    @Test
    void aBugOutOfTheRoundKeepsTheMailInTheQueueForTheFirstDelay() throws Exception {
        MetricFactory broken = (MetricFactory) Proxy.newProxyInstance(MetricFactory.class.getClassLoader(),
            new Class<?>[] {MetricFactory.class}, (proxy, method, args) -> {
                throw new IllegalStateException("the metrics backend is gone");
            });
        FakeMail mail = mail("user@partner.example");
        OutboundAttributes.setRetries(mail, 2);
        RecordingMailQueue.Item item = queue.item(mail);

        delivery(Optional.empty(), DELIVERS, broken).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(SCHEDULE.delays().get(0));
            // Not a round: the retry count stays, the mail is never bounced for our bug.
            assertThat(OutboundAttributes.retries(enqueued.mail())).isEqualTo(2);
        });
        assertThat(james.allSent()).isEmpty();
    }

    /** No retry can deliver a mail without a recipient: it goes to the postmaster instead of round the queue for ever. */
    @Test
    void aMailThatCannotBeDeliveredAtAllIsKeptInTheErrorProcessorNotRequeuedForEver() throws Exception {
        FakeMail nobody = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@example.com")), ARRIVAL);
        RecordingMailQueue.Item item = queue.item(nobody);

        delivery(DELIVERS).accept(item);

        assertThat(queue.enqueued()).isEmpty();
        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(james.handedTo(Mail.ERROR)).singleElement().satisfies(kept -> assertThat(
            kept.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value().toString())
            .isEqualTo("undeliverable: it has no recipient"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linkage", "stack"})
    void anErrorOutOfTheRoundKeepsTheMailInTheQueueToo(String kind) throws Exception {
        // A class missing from the class path, or a message nested too deep: an Error, not an Exception.
        Error error = kind.equals("linkage") ? new NoClassDefFoundError("dev/jamestls/Missing") : new StackOverflowError();
        RecordingMailQueue.Item item = queue.item(mail("user@partner.example"));

        delivery(plan -> {
            throw error;
        }).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).singleElement()
            .satisfies(enqueued -> assertThat(enqueued.delay()).isEqualTo(SCHEDULE.delays().get(0)));
    }

    @Test
    void whenTheQueueRefusesTheRetryTheItemIsCompletedAsARetry() throws Exception {
        queue.refuse();
        RecordingMailQueue.Item item = queue.item(mail("user@partner.example"));

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.RETRY);
        assertThat(james.allSent()).isEmpty();
    }

    @Test
    void whenNeitherTheQueueNorTheItemTakesTheMailBackTheErrorProcessorKeepsIt() throws Exception {
        queue.refuse();
        FakeMail mail = mail("user@partner.example");
        RecordingMailQueue.Item item = queue.item(mail).refuse(CompletionStatus.RETRY);

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.RETRY);
        assertThat(james.handedTo(Mail.ERROR)).singleElement().satisfies(kept -> {
            assertThat(kept.getRecipients()).containsExactly(new MailAddress("user@partner.example"));
            assertThat(kept.getAttributes().get(OutboundAttributes.JAMES_DELIVERY_ERROR).getValue().value())
                .isEqualTo("the outgoing queue outgoing-tls refused it back");
        });
    }

    @Test
    void whenNothingTakesTheMailTheItemStaysUnacknowledgedForTheQueueToHandOutAgain() throws Exception {
        queue.refuse();
        james.refuseProcessor(Mail.ERROR, new IllegalStateException("spool full"));
        RecordingMailQueue.Item item = queue.item(mail("user@partner.example")).refuse(CompletionStatus.RETRY);

        delivery(NO_STARTTLS).accept(item);

        assertThat(item.completed()).isEmpty();
        assertThat(item.asked()).doesNotContain(CompletionStatus.SUCCESS);
    }

    @Test
    void aQueueThatCannotRecordTheCompletionIsNotAskedToTakeTheMailAgain() throws Exception {
        RecordingMailQueue.Item delivered = queue.item(mail("user@other.example")).refuse(CompletionStatus.SUCCESS);
        RecordingMailQueue.Item retried = queue.item(mail("user@partner.example")).refuse(CompletionStatus.SUCCESS);

        delivery(DELIVERS).accept(delivered);
        delivery(NO_STARTTLS).accept(retried);

        // A duplicate at worst (the queue may hand it out again), never a second copy from us.
        assertThat(delivered.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(retried.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).singleElement()
            .satisfies(enqueued -> assertThat(enqueued.mail().getRecipients()).containsExactly(new MailAddress("user@partner.example")));
    }

    @Test
    void recipientsTheMxAnsweredApartEachGoTheirOwnWay() throws Exception {
        FakeMail mail = mail("a@partner.example", "b@partner.example", "c@partner.example");
        RecordingMailQueue.Item item = queue.item(mail);

        delivery(partlyRefused()).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        // a received it; b is refused for good: a DSN for b alone.
        assertThat(james.dsns()).singleElement().satisfies(sent -> assertThat(Dsn.read(sent.getMsg()).perRecipient())
            .singleElement().satisfies(fields -> assertThat(fields).containsEntry("Final-Recipient", "rfc822; b@partner.example")
                .containsEntry("Status", "5.1.1")));
        // c was deferred: c alone goes back to the queue with the retry delay.
        assertThat(queue.enqueued()).singleElement().satisfies(enqueued -> {
            assertThat(enqueued.delay()).isEqualTo(Duration.ofMinutes(5));
            assertThat(enqueued.mail().getRecipients()).containsExactly(new MailAddress("c@partner.example"));
            assertThat(OutboundAttributes.retries(enqueued.mail())).isEqualTo(1);
            assertThat(attribute(enqueued.mail(), OutboundAttributes.DSN_STATUS)).isEqualTo("4.2.1");
            assertThat(OutboundAttributes.verdict(enqueued.mail())).contains(AttemptVerdict.REJECTED_TEMPORARILY.spelling());
        });
    }

    /** The queue refuses the deferred part: the others are done, so that part alone goes to the postmaster. */
    @Test
    void aPartTheQueueRefusesGoesToTheErrorProcessorWithoutRetryingTheWholeMail() throws Exception {
        queue.refuse();
        RecordingMailQueue.Item item = queue.item(mail("a@partner.example", "b@partner.example", "c@partner.example"));

        delivery(partlyRefused()).accept(item);

        // Not done(RETRY): that would deliver a again and send b a second DSN.
        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(james.dsns()).hasSize(1);
        assertThat(james.handedTo(Mail.ERROR)).singleElement()
            .satisfies(kept -> assertThat(kept.getRecipients()).containsExactly(new MailAddress("c@partner.example")));
    }

    @Test
    void recipientsWhoseDsnFailsWaitInTheQueueWithoutTheOthers() throws Exception {
        james.refuseDsn(new MessagingException("spool full"));
        RecordingMailQueue.Item item = queue.item(mail("a@partner.example", "b@partner.example", "c@partner.example"));

        delivery(partlyRefused()).accept(item);

        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).extracting(enqueued -> List.copyOf(enqueued.mail().getRecipients()), RecordingMailQueue.Enqueued::delay)
            .containsExactlyInAnyOrder(
                tuple(List.of(new MailAddress("b@partner.example")), Duration.ofHours(1)),
                tuple(List.of(new MailAddress("c@partner.example")), Duration.ofMinutes(5)));
    }

    @Test
    void anInterruptedThreadStillPutsTheMailBackAndKeepsItsInterrupt() throws Exception {
        queue.refuseWhenInterrupted();
        RecordingMailQueue.Item item = queue.item(mail("user@partner.example"));
        QueuedMailDelivery delivery = delivery(NO_STARTTLS);
        Thread.currentThread().interrupt();

        delivery.accept(item);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(item.asked()).containsExactly(CompletionStatus.SUCCESS);
        assertThat(queue.enqueued()).singleElement()
            .satisfies(enqueued -> assertThat(enqueued.delay()).isEqualTo(SCHEDULE.delays().get(0)));
    }

    /** The peer takes a, refuses b for good (550 5.1.1) and defers c (450 4.2.1): RFC 5321 §3.3. */
    private static Function<TlsPlan, AttemptObservation> partlyRefused() {
        return plan -> observed(TlsStage.ESTABLISHED, true, TransactionResult.sentExcept(List.of(
            new RecipientRefusal("b@partner.example", PeerReply.of(550, "550 5.1.1 no such user")),
            new RecipientRefusal("c@partner.example", PeerReply.of(450, "450 4.2.1 mailbox busy")))));
    }
}
