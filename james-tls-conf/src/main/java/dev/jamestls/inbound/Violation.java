package dev.jamestls.inbound;

import java.util.Objects;

import dev.jamestls.smtp.SmtpReply;

/**
 * One reason a mail does not comply.
 *
 * @param kind the closed classification
 * @param reason what the rule expected and what the session showed, for logs and attributes
 * @param reply how the SMTP dialogue refuses the mail when the rule is enforced
 */
public record Violation(ViolationKind kind, String reason, SmtpReply reply) {
    public Violation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(reply, "reply");
    }
}
