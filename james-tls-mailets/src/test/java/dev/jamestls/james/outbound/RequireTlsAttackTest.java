package dev.jamestls.james.outbound;

import static dev.jamestls.james.outbound.ScriptedDelivery.observed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.james.attributes.OutboundAttributes;
import dev.jamestls.james.attributes.RequireTlsAttributes;
import dev.jamestls.mtasts.StsDiscovery;
import dev.jamestls.mtasts.StsMode;
import dev.jamestls.mtasts.StsPolicy;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.mtasts.StsProblem;
import dev.jamestls.outbound.AttemptObservation;
import dev.jamestls.outbound.AttemptRecord;
import dev.jamestls.outbound.AttemptVerdict;
import dev.jamestls.outbound.DeliveryDecision;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.outbound.TlsStage;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.policy.DomainName;
import dev.jamestls.requiretls.SenderTlsDemand;
import dev.jamestls.verify.TlsRptResultType;

/**
 * The attacks on the sender's TLS demand (RFC 8689) that a delivery round alone must stop, one row per attack: a
 * REQUIRETLS mail never goes to a host whose TLS is not authenticated by the rule or a published policy, a stripped
 * STARTTLS never ends in clear text, and {@code TLS-Required: No} never lowers an administrator's rule. The peers are
 * scripted; the attacks on the wire (REQUIRETLS stripped from EHLO after STARTTLS, a pooled connection) run against
 * a real James in {@code OutboundRequireTlsTest}.
 */
class RequireTlsAttackTest {
    static final String POLICY = """
        <tlsPolicy>
          <defaults><outbound level="may" mtaSts="true"/></defaults>
          <connector name="encrypt-partner" mode="enforce">
            <outbound level="encrypt"><recipientDomain>encrypt.example</recipientDomain></outbound>
          </connector>
          <connector name="testing-partner" mode="testing">
            <outbound level="verify"><recipientDomain>testing.example</recipientDomain></outbound>
          </connector>
          <connector name="verify-partner" mode="enforce">
            <outbound level="verify"><recipientDomain>verify.example</recipientDomain></outbound>
          </connector>
          <connector name="explicit-partner" mode="enforce">
            <outbound level="encrypt" honourTlsRequiredNo="false"><recipientDomain>explicit.example</recipientDomain></outbound>
          </connector>
          <connector name="lenient-partner" mode="enforce">
            <outbound level="encrypt" honourTlsRequiredNo="true"><recipientDomain>lenient.example</recipientDomain></outbound>
          </connector>
        </tlsPolicy>
        """;

    /**
     * {@code sts.example} publishes an MTA-STS policy in mode enforce naming both its MX hosts, {@code narrow.example} one
     * naming only {@code mx1.narrow.example}; the policy of {@code unfetched.example} cannot be fetched (nothing cached);
     * no other domain has one.
     */
    static final StsPolicySource STS = domain -> switch (domain.ascii()) {
        case "sts.example" -> enforce(domain, "mx1.sts.example", "mx2.sts.example");
        case "narrow.example" -> enforce(domain, "mx1.narrow.example");
        case "unfetched.example" -> new StsDiscovery(domain, Optional.empty(),
            Optional.of(new StsProblem(TlsRptResultType.STS_POLICY_FETCH_ERROR, "connection to mta-sts.unfetched.example timed out")));
        default -> StsDiscovery.none(domain);
    };

    private static StsDiscovery enforce(DomainName domain, String... mx) {
        return new StsDiscovery(domain, Optional.of(new StsPolicy(StsMode.ENFORCE, List.of(mx), Duration.ofDays(1), "1",
            ScriptedDelivery.CLOCK.instant())), Optional.empty());
    }

    static final Function<TlsPlan, AttemptObservation> DELIVERS = plan -> plan.startTls()
        ? observed(TlsStage.ESTABLISHED, true, TransactionResult.SENT)
        : observed(TlsStage.NOT_ATTEMPTED, false, TransactionResult.SENT);
    static final Function<TlsPlan, AttemptObservation> STARTTLS_STRIPPED = plan -> plan.tlsMandatory()
        ? observed(TlsStage.NOT_OFFERED, false, TransactionResult.NOT_STARTED)
        : observed(plan.startTls() ? TlsStage.NOT_OFFERED : TlsStage.NOT_ATTEMPTED, false, TransactionResult.SENT);

    @TempDir
    Path dir;

    /**
     * @param sends how many connections may carry the mail; 0: none is opened
     */
    record Attack(String attack, String recipient, Optional<SenderTlsDemand> demand, boolean tlsRequiredNoHeader,
                  Function<TlsPlan, AttemptObservation> peer, int sends, DeliveryDecision.Kind kind, String status,
                  Optional<AttemptVerdict> everyVerdict) {
        @Override
        public String toString() {
            return attack;
        }
    }

    static Stream<Attack> attacks() {
        Optional<SenderTlsDemand> requireTls = Optional.of(SenderTlsDemand.REQUIRETLS);
        Optional<SenderTlsDemand> tlsOptional = Optional.of(SenderTlsDemand.TLS_OPTIONAL);
        return Stream.of(
            new Attack("REQUIRETLS to a may route (no rule, no published policy): nothing is sent, 5.7.30",
                "user@other.example", requireTls, false, DELIVERS, 0, DeliveryDecision.Kind.BOUNCE, "5.7.30",
                Optional.of(AttemptVerdict.REQUIRETLS_NOT_MET)),
            new Attack("REQUIRETLS to an encrypt connector (TLS, server not authenticated): nothing is sent, 5.7.30",
                "user@encrypt.example", requireTls, false, DELIVERS, 0, DeliveryDecision.Kind.BOUNCE, "5.7.30",
                Optional.of(AttemptVerdict.REQUIRETLS_NOT_MET)),
            new Attack("REQUIRETLS to a verify connector in testing mode (enforces nothing): nothing is sent, 5.7.30",
                "user@testing.example", requireTls, false, DELIVERS, 0, DeliveryDecision.Kind.BOUNCE, "5.7.30",
                Optional.of(AttemptVerdict.REQUIRETLS_NOT_MET)),
            new Attack("REQUIRETLS with a TLS-Required: No header too: REQUIRETLS wins (RFC 8689 §4.1), nothing is sent",
                "user@other.example", requireTls, true, DELIVERS, 0, DeliveryDecision.Kind.BOUNCE, "5.7.30",
                Optional.of(AttemptVerdict.REQUIRETLS_NOT_MET)),
            new Attack("REQUIRETLS to a domain whose MTA-STS policy an attacker keeps from us (fetch fails, nothing cached): "
                + "nothing is sent, retried (4.7.5), not bounced for good", "user@unfetched.example", requireTls, false, DELIVERS, 0,
                DeliveryDecision.Kind.RETRY, "4.7.5", Optional.of(AttemptVerdict.REQUIRETLS_NOT_MET)),
            new Attack("REQUIRETLS to an MTA-STS enforce route leaving an MX host out: the unlisted host is never tried",
                "user@narrow.example", requireTls, false, STARTTLS_STRIPPED, 1, DeliveryDecision.Kind.RETRY, "4.7.5",
                Optional.of(AttemptVerdict.TLS_NOT_SECURED)),
            new Attack("REQUIRETLS on an MTA-STS enforce route whose STARTTLS a MITM strips: never in clear, retried",
                "user@sts.example", requireTls, false, STARTTLS_STRIPPED, 2, DeliveryDecision.Kind.RETRY, "4.7.5",
                Optional.of(AttemptVerdict.TLS_NOT_SECURED)),
            new Attack("TLS-Required: No to an encrypt connector without honourTlsRequiredNo, STARTTLS stripped: never in clear",
                "user@encrypt.example", tlsOptional, true, STARTTLS_STRIPPED, 2, DeliveryDecision.Kind.RETRY, "4.7.5",
                Optional.of(AttemptVerdict.TLS_NOT_SECURED)),
            new Attack("TLS-Required: No to a connector saying honourTlsRequiredNo=\"false\", STARTTLS stripped: never in clear",
                "user@explicit.example", tlsOptional, true, STARTTLS_STRIPPED, 2, DeliveryDecision.Kind.RETRY, "4.7.5",
                Optional.of(AttemptVerdict.TLS_NOT_SECURED)),
            new Attack("TLS-Required: No header without the attribute (a later mailet wrote it): the MTA-STS policy stays "
                + "enforced, never in clear", "user@sts.example", Optional.empty(), true, STARTTLS_STRIPPED, 2,
                DeliveryDecision.Kind.RETRY, "4.7.5", Optional.of(AttemptVerdict.TLS_NOT_SECURED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void theSendersDemandIsNeverTurnedAgainstIt(Attack attack) throws Exception {
        List<TlsPlan> opened = new ArrayList<>();
        List<TlsPlan> sentMail = new ArrayList<>();
        DeliveryRound round = ScriptedDelivery.round(dir, POLICY, Optional.of(STS), ScriptedDelivery.peer(plan -> {
            opened.add(plan);
            AttemptObservation seen = attack.peer().apply(plan);
            if (seen.transaction().kind() == TransactionResult.Kind.SENT) {
                sentMail.add(plan);
            }
            return seen;
        }));
        FakeMail mail = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), ScriptedDelivery.ARRIVAL,
            attack.recipient());
        attack.demand().ifPresent(demand -> RequireTlsAttributes.set(mail, demand));
        if (attack.tlsRequiredNoHeader()) {
            mail.getMessage().setHeader("TLS-Required", "No");
            mail.getMessage().saveChanges();
        }

        DeliveryRound.Outcome outcome = round.deliver(mail);

        assertThat(sentMail).as("connections that carried the mail").isEmpty();
        assertThat(opened).as("connections opened").hasSize(attack.sends());
        if (attack.demand().isPresent() || attack.kind() != DeliveryDecision.Kind.DELIVERED) {
            assertThat(opened).as("every connection opened under mandatory TLS").allMatch(TlsPlan::tlsMandatory);
        }
        assertThat(outcome.decision().kind()).isEqualTo(attack.kind());
        assertThat(outcome.decision().status()).isEqualTo(attack.status());
        attack.everyVerdict().ifPresent(verdict ->
            assertThat(outcome.attempts()).isNotEmpty().extracting(AttemptRecord::verdict).containsOnly(verdict));
    }

    static final DeliveryDecision REQUIRETLS_REFUSED = new DeliveryDecision(DeliveryDecision.Kind.BOUNCE, "5.7.30",
        "the sender requires TLS (REQUIRETLS, RFC 8689) and no host of partner.example meets it", Optional.empty());
    static final String DSN = "the DSN to the sender";

    /**
     * How the notification of a refused REQUIRETLS mail is made: by us, or by James's bounce mailets after we hand them
     * the mail (the {@code bounceProcessor}, or the {@code error} processor once the DSN could not be sent).
     *
     * @param senderRet the {@code RET} the sender asked for at MAIL FROM (RFC 3461 §4.3)
     * @param dsnRefused whether James refuses every new notification until the retries are spent
     * @param madeBy where the mail or its DSN goes: {@link #DSN}, or the processor handed the mail
     * @param ret the {@code RET} James's {@code DSNBounce} reads on the mail handed over; empty for our own DSN
     */
    record DsnAttack(String attack, Optional<SenderTlsDemand> demand, Optional<String> bounceProcessor,
                     Optional<DsnParameters.Ret> senderRet, boolean dsnRefused, String madeBy, Optional<DsnParameters.Ret> ret) {
        @Override
        public String toString() {
            return attack;
        }
    }

    static Stream<DsnAttack> dsnAttacks() {
        Optional<SenderTlsDemand> requireTls = Optional.of(SenderTlsDemand.REQUIRETLS);
        Optional<String> bounces = Optional.of(ScriptedDelivery.BOUNCES);
        Optional<DsnParameters.Ret> full = Optional.of(DsnParameters.Ret.FULL);
        Optional<DsnParameters.Ret> hdrs = Optional.of(DsnParameters.Ret.HDRS);
        return Stream.of(
            new DsnAttack("our own DSN: headers only, from the null sender, under REQUIRETLS", requireTls, Optional.empty(),
                Optional.empty(), false, DSN, Optional.empty()),
            new DsnAttack("our own DSN although the sender asked RET=FULL: headers only", requireTls, Optional.empty(), full, false,
                DSN, Optional.empty()),
            new DsnAttack("bounceProcessor (James's DSNBounce attaches the whole message by default): handed RET=HDRS",
                requireTls, bounces, Optional.empty(), false, ScriptedDelivery.BOUNCES, hdrs),
            new DsnAttack("bounceProcessor, the sender asked RET=FULL: handed RET=HDRS all the same", requireTls, bounces, full, false,
                ScriptedDelivery.BOUNCES, hdrs),
            new DsnAttack("the DSN cannot be sent until the retries are spent: kept in the error processor with RET=HDRS, where "
                + "James's default configuration bounces it", requireTls, Optional.empty(), full, true, Mail.ERROR, hdrs),
            new DsnAttack("control: a mail without REQUIRETLS keeps the sender's RET=FULL for the bounceProcessor", Optional.empty(),
                bounces, full, false, ScriptedDelivery.BOUNCES, full));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dsnAttacks")
    void theNotificationOfARequireTlsMailNeverReturnsItsContent(DsnAttack attack) throws Exception {
        ScriptedMailetContext james = new ScriptedMailetContext();
        if (attack.dsnRefused()) {
            james.refuseDsn(new MessagingException("spool full"));
        }
        Bouncer bouncer = new Bouncer(james.context(), new RecordingMailQueue(), ScriptedDelivery.SCHEDULE, attack.bounceProcessor(),
            ScriptedDelivery.REPORTING_MTA, ScriptedDelivery.noMetrics(), ScriptedDelivery.CLOCK);
        FakeMail mail = ScriptedDelivery.mail(MaybeSender.of(new MailAddress("sender@james.local")), ScriptedDelivery.ARRIVAL,
            "a@partner.example");
        OutboundAttributes.setRound(mail, List.of(), REQUIRETLS_REFUSED);
        attack.demand().ifPresent(demand -> RequireTlsAttributes.set(mail, demand));
        attack.senderRet().ifPresent(ret -> mail.setDsnParameters(DsnParameters.builder().ret(ret).build().orElseThrow()));
        if (attack.dsnRefused()) {
            OutboundAttributes.setBounceFailures(mail, ScriptedDelivery.SCHEDULE.maxRetries());
        }

        bouncer.bounceOrRetryLater(mail, REQUIRETLS_REFUSED, "mx.partner.example");

        if (attack.madeBy().equals(DSN)) {
            FakeMailContext.SentMail dsn = james.allSent().get(0);
            assertThat(james.allSent()).hasSize(1);
            assertThat(dsn.getAttributes().get(RequireTlsAttributes.TLS_REQUIRED).getValue().value()).isEqualTo("requiretls");
            assertThat(Dsn.read(dsn.getMsg()).returnedHeaders()).contains("Subject: quarterly report").doesNotContain("body");
            return;
        }
        assertThat(james.handedTo(attack.madeBy())).singleElement().satisfies(handed -> {
            assertThat(ret(handed)).isEqualTo(attack.ret());
            assertThat(Optional.ofNullable(handed.getAttributes().get(RequireTlsAttributes.TLS_REQUIRED))
                .map(attribute -> attribute.getValue().value())).isEqualTo(attack.demand().map(SenderTlsDemand::spelling));
        });
    }

    /** The {@code RET} of the DSN parameters a handed mail carries, as James's {@code DSNBounce} reads them. */
    private static Optional<DsnParameters.Ret> ret(FakeMailContext.SentMail handed) throws MessagingException {
        FakeMail read = FakeMail.builder().name("handed").build();
        handed.getAttributes().values().forEach(read::setAttribute);
        return read.dsnParameters().flatMap(DsnParameters::getRetParameter);
    }
}
