package dev.jamestls.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.jamestls.inbound.ViolationKind;
import dev.jamestls.policy.ClientCertificateRequirement;
import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.DestinationRouting;
import dev.jamestls.outbound.SenderDemandRules;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Failure;
import dev.jamestls.policy.InboundRequirement;
import dev.jamestls.policy.InboundResolution;
import dev.jamestls.policy.IpRange;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.TlsPolicy;
import dev.jamestls.policy.TrailStep;
import dev.jamestls.policy.file.PolicyFileParser;
import dev.jamestls.policy.file.Problem;
import dev.jamestls.wiring.ConfigurationCheck;

/** {@code explain <conf-dir> (--sender addr | --recipient addr) [--ip a.b.c.d]}. */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Show which TLS rule applies to a sender (inbound) or recipient (outbound), in which mode, what it requires, "
        + "and the precedence trail that led there.")
final class ExplainCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "<conf-dir>", description = "James's conf directory (holding tls-policy.xml)")
    Path confDir;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Direction direction;

    static final class Direction {
        @Option(names = "--sender", paramLabel = "addr", description = "envelope sender (MAIL FROM), or <> for the null sender")
        String sender;

        @Option(names = "--recipient", paramLabel = "addr", description = "envelope recipient (RCPT TO)")
        String recipient;
    }

    @Option(names = "--ip", paramLabel = "a.b.c.d", description = "client IP address (inbound): checked against partner IP ranges")
    String ip;

    @Override
    public Integer call() {
        PrintWriter out = out();
        PrintWriter err = err();
        InetAddress address = ip == null ? null : address(ip);
        if (address != null && direction.recipient != null) {
            throw usage("--ip applies to --sender (inbound) only");
        }
        PolicyFileParser.Result result = new PolicyFileParser(clock).parse(confDir.resolve(ConfigurationCheck.POLICY_FILE));
        if (result.policy().isEmpty()) {
            err.println("TLS policy has errors; run 'check' for details:");
            result.errors().forEach(p -> err.println("  " + p));
            return JamesTlsCli.ERRORS;
        }
        result.warnings().stream().map(Problem::toString).forEach(w -> out.println("note: " + w));
        TlsPolicy policy = result.policy().get();
        if (direction.sender != null) {
            explainInbound(out, policy, direction.sender, address);
        } else {
            explainOutbound(out, policy, direction.recipient);
        }
        return JamesTlsCli.CLEAN;
    }

    private void explainInbound(PrintWriter out, TlsPolicy policy, String sender, InetAddress address) {
        String domain = senderDomain(sender);
        InboundResolution resolution = policy.resolveInbound(domain);
        out.println("inbound: sender " + (domain.isEmpty() ? "<> (null sender)" : sender + " (domain " + resolution.senderLabel() + ")"));
        out.println("rule:     " + resolution.kind() + " " + resolution.rule() + ", mode " + resolution.mode());
        out.println("requires: " + describe(resolution.requirement()));
        if (address != null) {
            InboundRequirement requirement = resolution.requirement();
            if (requirement.partnerIps().isEmpty()) {
                out.println("client:   " + address.getHostAddress() + ": the rule restricts no IP range");
            } else if (requirement.excludes(address)) {
                out.println("client:   " + address.getHostAddress() + " is outside " + ranges(requirement.partnerIps())
                    + ": would be refused (" + refusal(ViolationKind.IP_NOT_ALLOWED, requirement.failure()) + ")" + (resolution.mode().spelling().equals("testing") ? ", recorded only (testing)" : ""));
            } else {
                out.println("client:   " + address.getHostAddress() + " is inside " + ranges(requirement.partnerIps()));
            }
        }
        printTrail(out, resolution.trail());
    }

    private void explainOutbound(PrintWriter out, TlsPolicy policy, String recipient) {
        int at = recipient.lastIndexOf('@');
        if (at < 0) {
            throw usage("--recipient: not an e-mail address '" + recipient + "'; accepted: local@domain");
        }
        DomainName domain;
        try {
            domain = DomainName.parse(recipient.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw usage("--recipient: " + e.getMessage());
        }
        OutboundResolution resolution = policy.resolveOutbound(domain);
        out.println("outbound: recipient " + recipient + " (domain " + domain + ")");
        out.println("rule:     " + resolution.kind() + " " + resolution.rule() + ", mode " + resolution.mode());
        out.println("requires: " + describe(resolution.requirement()));
        namesChecked(resolution.requirement(), domain).ifPresent(names -> out.println("names:    " + names));
        resolution.requirement().trustAnchors().ifPresent(anchors ->
            out.println("anchors:  " + anchors.describe() + ", instead of TlsRemoteDelivery's trustAnchors"));
        resolution.requirement().clientIdentity().ifPresent(identity ->
            out.println("presents: " + identity.describe() + ", instead of TlsRemoteDelivery's client certificate"));
        out.println("decides:  in this order, the first that applies:");
        int step = 1;
        for (String line : DestinationRouting.precedence(resolution, policy.defaults().mtaSts())) {
            out.println("  " + step++ + ". " + line);
        }
        out.println("sender:   what the sender's own TLS demand on a message changes:");
        for (String line : SenderDemandRules.explain(resolution, policy.defaults().mtaSts())) {
            out.println("  - " + line);
        }
        printTrail(out, resolution.trail());
    }

    /**
     * The names a {@code verify} or {@code secure} rule checks the certificate against, as the delivery computes
     * them ({@link TlsPlan#namesChecked}, {@link DeliveryTarget#nexthop}); empty at the other levels.
     */
    static Optional<String> namesChecked(OutboundRequirement requirement, DomainName domain) {
        if (requirement.level() != OutboundLevel.VERIFY && requirement.level() != OutboundLevel.SECURE) {
            return Optional.empty();
        }
        if (requirement.smartHosts().isEmpty()) {
            return Optional.of(String.join(" or ", TlsPlan.namesChecked(requirement, domain, "<the MX host name>"))
                + " (MX route: nexthop is the recipient domain)");
        }
        return Optional.of(requirement.smartHosts().stream()
            .map(host -> host + ": " + String.join(" or ", TlsPlan.namesChecked(requirement, host.host(), host.host().ascii())))
            .collect(Collectors.joining("; ")) + " (smart-host route: nexthop is the smart host's name)");
    }

    private String senderDomain(String sender) {
        String trimmed = sender.trim();
        if (trimmed.isEmpty() || trimmed.equals("<>")) {
            return "";
        }
        int at = trimmed.lastIndexOf('@');
        if (at < 0) {
            throw usage("--sender: not an e-mail address '" + sender
                + "'; accepted: local@domain, or <> for the null sender");
        }
        String domain = trimmed.substring(at + 1).replace(">", "");
        if (DomainName.tryParse(domain).isEmpty()) {
            throw usage("--sender: not a domain name '" + domain + "'");
        }
        return domain;
    }

    private InetAddress address(String text) {
        byte[] bytes = IpRange.numericAddress(text);
        if (bytes == null) {
            throw usage("--ip: not an IP address '" + text + "'; accepted: a.b.c.d or IPv6");
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(InboundRequirement requirement) {
        StringBuilder text = new StringBuilder(requirement.requireTls()
            ? "TLS required (clear text refused: " + refusal(ViolationKind.TLS_REQUIRED, requirement.failure()) + ")"
            : "TLS optional (clear text accepted)");
        text.append(", TLS >= ").append(requirement.minimumProtocol().jsseName());
        if (requirement.clientCertificate().isPresent()) {
            ClientCertificateRequirement certificate = requirement.clientCertificate().get();
            text.append(", client certificate named ").append(certificate.names().stream().map(Object::toString).collect(Collectors.joining(" or ")));
            certificate.issuer().ifPresent(issuer -> text.append(" issued by ").append(issuer));
            if (!certificate.pins().isEmpty()) {
                text.append(", pinned (").append(certificate.pins().size()).append(" pin").append(certificate.pins().size() == 1 ? ")" : "s)");
            }
            certificate.trustAnchors().ifPresent(anchors -> text.append(", trust anchors ").append(anchors.file().getFileName()));
            text.append(", revocation ").append(certificate.revocation());
        } else {
            text.append(", no client certificate");
        }
        text.append(requirement.allowRelay() ? ", relay granted to the verified certificate" : ", no relay");
        if (requirement.requireTls() || !requirement.partnerIps().isEmpty()) {
            text.append(", failure ").append(requirement.failure());
        }
        return text.toString();
    }

    private static String refusal(ViolationKind kind, Failure failure) {
        return kind.code(failure) + " " + kind.enhancedStatus(failure);
    }

    static String describe(OutboundRequirement requirement) {
        StringBuilder text = new StringBuilder("level ").append(requirement.level());
        if (!requirement.match().isEmpty()) {
            text.append(" match ").append(requirement.match().stream().map(Object::toString).collect(Collectors.joining(":")));
        }
        if (!requirement.pins().isEmpty()) {
            text.append(" pins ").append(String.join("|", requirement.pins()));
        }
        if (requirement.level() != OutboundLevel.NONE) {
            text.append(", TLS >= ").append(requirement.minimumProtocol().jsseName()).append(", ciphers ").append(requirement.ciphers());
        }
        if (requirement.level().requiresTls()) {
            text.append(", never clear text, failure ").append(requirement.failure());
        } else if (requirement.level() == OutboundLevel.MAY) {
            text.append(", clear text if STARTTLS fails");
        }
        text.append(requirement.smartHosts().isEmpty() ? ", via MX"
            : ", via " + requirement.smartHosts().stream().map(Object::toString).collect(Collectors.joining(" ")));
        return text.toString();
    }

    private static String ranges(List<IpRange> ranges) {
        return ranges.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static void printTrail(PrintWriter out, List<TrailStep> trail) {
        out.println("trail:");
        int index = 1;
        for (TrailStep step : trail) {
            out.printf("  %d. %-9s %s %s (%s): %s%n", index++, step.outcome(), step.kind(), step.rule(), step.matchedBy(), step.reason());
        }
    }
}
