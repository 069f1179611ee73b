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

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

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
                Optional.of(AttemptVerdict.TLS_NOT_SECURED)));
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
}
