package dev.jamestls.james.attributes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamestls.inbound.CertificateCheck;
import dev.jamestls.inbound.InboundVerdict;

/**
 * Attributes carrying the inbound policy decision for a mail (SPEC §1.6):
 *
 * <table>
 * <caption>attributes</caption>
 * <tr><th>name</th><th>value</th></tr>
 * <tr><td>{@code dev.jamestls.inbound.rule}</td><td>connector name, or {@code defaults}</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.ruleKind}</td><td>{@code connector} or {@code defaults}</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.mode}</td><td>{@code enforce} or {@code testing}</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.verdict}</td><td>{@code compliant} or {@code violation}</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.reasonKind}</td><td>e.g. {@code tls-required}; absent when compliant</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.reason}</td><td>what was expected and what the session showed</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.verifiedPartner}</td><td>connector whose certificate requirement the client met</td></tr>
 * <tr><td>{@code dev.jamestls.inbound.certificateCheck}</td><td>what our verification decided about the client
 *     certificate under the rule: {@code verified}, {@code rejected}, {@code unknown}, {@code error}, {@code missing},
 *     {@code not-checked}, {@code not-required} ({@link CertificateCheck})</td></tr>
 * </table>
 */
public final class InboundAttributes {
    public static final AttributeName RULE = AttributeName.of("dev.jamestls.inbound.rule");
    public static final AttributeName RULE_KIND = AttributeName.of("dev.jamestls.inbound.ruleKind");
    public static final AttributeName MODE = AttributeName.of("dev.jamestls.inbound.mode");
    public static final AttributeName VERDICT = AttributeName.of("dev.jamestls.inbound.verdict");
    public static final AttributeName REASON_KIND = AttributeName.of("dev.jamestls.inbound.reasonKind");
    public static final AttributeName REASON = AttributeName.of("dev.jamestls.inbound.reason");
    public static final AttributeName VERIFIED_PARTNER = AttributeName.of("dev.jamestls.inbound.verifiedPartner");
    public static final AttributeName CERTIFICATE_CHECK = AttributeName.of("dev.jamestls.inbound.certificateCheck");

    private InboundAttributes() {
    }

    public static List<Attribute> of(InboundVerdict verdict) {
        List<Attribute> attributes = new ArrayList<>();
        attributes.add(new Attribute(RULE, AttributeValue.of(verdict.rule())));
        attributes.add(new Attribute(RULE_KIND, AttributeValue.of(verdict.resolution().kind().spelling())));
        attributes.add(new Attribute(MODE, AttributeValue.of(verdict.mode().spelling())));
        attributes.add(new Attribute(VERDICT, AttributeValue.of(verdict.verdictName())));
        verdict.violation().ifPresent(violation -> {
            attributes.add(new Attribute(REASON_KIND, AttributeValue.of(violation.kind().spelling())));
            attributes.add(new Attribute(REASON, AttributeValue.of(violation.reason())));
        });
        verdict.verifiedPartner().ifPresent(partner -> attributes.add(new Attribute(VERIFIED_PARTNER, AttributeValue.of(partner))));
        attributes.add(new Attribute(CERTIFICATE_CHECK, AttributeValue.of(verdict.certificateCheck().spelling())));
        return List.copyOf(attributes);
    }

    public static void set(Mail mail, InboundVerdict verdict) {
        of(verdict).forEach(mail::setAttribute);
    }

    public static Optional<String> verdict(Mail mail) {
        return TlsAttributes.string(mail, VERDICT);
    }

    public static Optional<String> rule(Mail mail) {
        return TlsAttributes.string(mail, RULE);
    }

    public static Optional<String> certificateCheck(Mail mail) {
        return TlsAttributes.string(mail, CERTIFICATE_CHECK);
    }

    public static Optional<String> verifiedPartner(Mail mail) {
        return TlsAttributes.string(mail, VERIFIED_PARTNER);
    }
}
