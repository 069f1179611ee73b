package dev.jamestls.james.mailets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.inbound.InboundSession;
import dev.jamestls.inbound.InboundVerdict;
import dev.jamestls.james.InboundDecisionMetrics;
import dev.jamestls.james.InboundPolicyRuntime;
import dev.jamestls.james.JamesParameters;
import dev.jamestls.james.attributes.InboundAttributes;
import dev.jamestls.james.attributes.TlsAttributes;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.InboundParameters;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.smtp.PeerText;
import dev.jamestls.tls.TlsFacts;

/**
 * Applies the inbound TLS policy after DATA, for deployments that cannot add
 * {@code InboundTlsPolicyHook} to {@code smtpserver.xml}: the same rules, from
 * the TLS facts recorded on the mail by {@code TlsFactsHook}. A violation of
 * an enforced rule sends the mail to {@code violationProcessor} when set,
 * otherwise stores it in {@code violationRepository}; a testing-mode violation
 * is recorded and the mail goes on. Mail is never dropped. Mail without
 * recorded TLS facts counts as clear text.
 *
 * <pre>{@code
 * <mailet match="All" class="dev.jamestls.james.mailets.EnforceInboundTlsPolicy">
 *   <policyFile>file://conf/tls-policy.xml</policyFile>                 <!-- default -->
 *   <trustAnchors>file://conf/partner-cas.pem</trustAnchors>            <!-- optional, re-read when it changes -->
 *   <violationRepository>file://var/mail/tls-violations/</violationRepository> <!-- default -->
 *   <!-- or <violationProcessor>tls-violations</violationProcessor> -->
 * </mailet>
 * }</pre>
 */
public class EnforceInboundTlsPolicy extends GenericMailet {
    /** Its init parameters, as {@code check} knows them. */
    public static final List<ParameterSpec<?>> PARAMETERS = InboundParameters.MAILET;
    private static final String COMPONENT = "mailet EnforceInboundTlsPolicy";
    private static final Logger LOGGER = LoggerFactory.getLogger(EnforceInboundTlsPolicy.class);

    private final FileSystem fileSystem;
    private final MailRepositoryStore repositories;
    private final InboundDecisionMetrics metrics;
    private Settings settings;

    private record Settings(InboundPolicyRuntime runtime, Optional<String> violationProcessor, MailRepositoryUrl violationRepository) {
    }

    @Inject
    public EnforceInboundTlsPolicy(FileSystem fileSystem, MailRepositoryStore repositories, MetricFactory metrics) {
        this.fileSystem = fileSystem;
        this.repositories = repositories;
        this.metrics = new InboundDecisionMetrics(metrics);
    }

    @Override
    public void init() throws MessagingException {
        try {
            ConfiguredParameters parameters = ConfiguredParameters.of(COMPONENT, getInitParameterNames(), this::getInitParameter,
                PARAMETERS);
            String policyLocation = parameters.value(InboundParameters.POLICY_FILE);
            Optional<String> anchorsLocation = parameters.optional(InboundParameters.TRUST_ANCHORS);
            Optional<String> processor = parameters.optional(InboundParameters.VIOLATION_PROCESSOR);
            String repository = parameters.value(InboundParameters.VIOLATION_REPOSITORY);
            if (processor.isPresent() && parameters.isSet(InboundParameters.VIOLATION_REPOSITORY)) {
                throw new IllegalArgumentException(COMPONENT + ": set violationProcessor or violationRepository, not both");
            }
            Path policyFile = file(InboundParameters.POLICY_FILE, policyLocation);
            Optional<Path> anchors = anchorsLocation.map(location -> file(InboundParameters.TRUST_ANCHORS, location));
            MailRepositoryUrl repositoryUrl;
            try {
                repositoryUrl = MailRepositoryUrl.from(repository);
            } catch (IllegalArgumentException e) {
                throw parameters.invalid(InboundParameters.VIOLATION_REPOSITORY, repository, e.getMessage());
            }
            settings = new Settings(runtime(policyFile, anchors), processor, repositoryUrl);
        } catch (IllegalArgumentException e) {
            throw new MessagingException(e.getMessage(), e);
        }
    }

    @Override
    public void destroy() {
        if (settings != null) {
            settings.runtime().release();
        }
    }

    /** The shared inbound policy; a policy that does not load names this mailet. */
    private static InboundPolicyRuntime runtime(Path policyFile, Optional<Path> anchors) {
        try {
            return InboundPolicyRuntime.forFiles(policyFile, anchors);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(COMPONENT + ": " + e.getMessage(), e);
        }
    }

    private Path file(ParameterSpec<?> spec, String location) {
        return JamesParameters.resolve(fileSystem, COMPONENT, spec.name(), location);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String senderDomain = mail.getMaybeSender().asOptional().map(sender -> sender.getDomain().asString()).orElse(null);
        TlsFacts facts = TlsAttributes.read(mail).orElse(TlsFacts.CLEAR_TEXT);
        InboundSession session = new InboundSession(facts, TlsAttributes.chain(mail), clientAddress(mail), "mail:" + mail.getName());
        InboundVerdict verdict = settings.runtime().decide(settings.runtime().resolve(senderDomain), session, metrics);
        InboundAttributes.set(mail, verdict);
        if (!verdict.rejects()) {
            return;
        }
        if (settings.violationProcessor().isPresent()) {
            mail.setState(settings.violationProcessor().get());
            return;
        }
        try {
            repositories.select(settings.violationRepository()).store(mail);
        } catch (MailRepositoryStore.MailRepositoryStoreException e) {
            throw new MessagingException("cannot store TLS violation in " + settings.violationRepository().asString(), e);
        }
        LOGGER.info("inbound-tls mail={} stored in {} ({})", mail.getName(), settings.violationRepository().asString(),
            PeerText.escape(verdict.violation().orElseThrow().reason()));
        mail.setState(Mail.GHOST);
    }

    private static InetAddress clientAddress(Mail mail) throws MessagingException {
        try {
            return InetAddress.getByName(mail.getRemoteAddr());
        } catch (UnknownHostException e) {
            throw new MessagingException("mail " + mail.getName() + " has no usable remote address '" + mail.getRemoteAddr() + "'", e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Applies the inbound TLS policy after DATA";
    }
}
