package dev.jamestls.policy;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Exchange-style partner object: a name, a mode, an optional expiry, and
 * an inbound and/or an outbound part.
 *
 * @param name unique name, used in logs, attributes and {@code FromPartner=name}
 * @param mode enforce or testing (SPEC §1.5)
 * @param expires last day (inclusive, in the clock's zone) on which the connector applies
 * @param inbound the inbound part, if any
 * @param outbound the outbound part, if any
 */
public record Connector(String name, Mode mode, Optional<LocalDate> expires, Optional<Inbound> inbound, Optional<Outbound> outbound) {

    public Connector {
        requireValidName(name);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(outbound, "outbound");
        if (inbound.isEmpty() && outbound.isEmpty()) {
            throw new IllegalArgumentException("connector '" + name + "' has neither an inbound nor an outbound part");
        }
    }

    /** The accepted forms of a connector name. */
    public static final String NAME_FORMS = "1 to 64 letters, digits, '.', '_', '-', starting with a letter or digit";

    /** Connector names: letters, digits, '.', '_', '-'; 1 to 64 characters. */
    public static String requireValidName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("not a connector name '" + name + "'; accepted: " + NAME_FORMS);
        }
        return name;
    }

    /** Whether the connector applies today. */
    public boolean isActive(Clock clock) {
        return expires.map(last -> !LocalDate.now(clock).isAfter(last)).orElse(true);
    }

    /**
     * The inbound part of a connector.
     *
     * @param senderDomains the partner's sender domains; at least one unless it claims the null sender
     * @param nullSender whether the connector also applies to the null reverse-path ({@code MAIL FROM:<>})
     * @param requirement what such mail must show
     */
    public record Inbound(List<DomainPattern> senderDomains, boolean nullSender, InboundRequirement requirement) {
        public Inbound {
            senderDomains = List.copyOf(senderDomains);
            Objects.requireNonNull(requirement, "requirement");
            if (senderDomains.isEmpty() && !nullSender) {
                throw new IllegalArgumentException("an inbound part needs at least one sender domain");
            }
        }
    }

    /**
     * The outbound part of a connector.
     *
     * @param recipientDomains the partner's recipient domains; at least one
     * @param requirement what delivery to them must achieve
     * @param honourTlsRequiredNo whether a message whose sender said {@code TLS-Required: No} (RFC 8689 §4.2.2) is
     *     delivered under this connector's level tried and recorded, not enforced; false: the connector is enforced
     *     whatever the header says (the default: the header never lowers an administrator's rule, SPEC §5)
     */
    public record Outbound(List<DomainPattern> recipientDomains, OutboundRequirement requirement, boolean honourTlsRequiredNo) {
        public Outbound {
            recipientDomains = List.copyOf(recipientDomains);
            Objects.requireNonNull(requirement, "requirement");
            if (recipientDomains.isEmpty()) {
                throw new IllegalArgumentException("an outbound part needs at least one recipient domain");
            }
        }

        /** An outbound part the {@code TLS-Required: No} header never lowers. */
        public Outbound(List<DomainPattern> recipientDomains, OutboundRequirement requirement) {
            this(recipientDomains, requirement, false);
        }
    }
}
