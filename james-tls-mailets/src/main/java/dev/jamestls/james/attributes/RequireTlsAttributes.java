package dev.jamestls.james.attributes;

import java.util.Optional;

import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamestls.requiretls.SenderTlsDemand;

/**
 * The sender's TLS demand on a mail (RFC 8689), a String so that it survives every James queue and a restart:
 *
 * <table>
 * <caption>attributes</caption>
 * <tr><th>name</th><th>type</th><th>value</th></tr>
 * <tr><td>{@code dev.jamestls.tlsRequired}</td><td>String</td><td>{@code requiretls} (MAIL FROM carried
 *     {@code REQUIRETLS}) or {@code tls-required-no} (header {@code TLS-Required: No}, no {@code REQUIRETLS});
 *     absent when the sender asked nothing</td></tr>
 * </table>
 */
public final class RequireTlsAttributes {
    public static final AttributeName TLS_REQUIRED = AttributeName.of("dev.jamestls.tlsRequired");

    private RequireTlsAttributes() {
    }

    public static void set(Mail mail, SenderTlsDemand demand) {
        mail.setAttribute(new Attribute(TLS_REQUIRED, AttributeValue.of(demand.spelling())));
    }

    /** The demand on {@code mail}; an unknown value reads as {@link SenderTlsDemand#REQUIRETLS}, the safe side. */
    public static Optional<SenderTlsDemand> demand(Mail mail) {
        return TlsAttributes.string(mail, TLS_REQUIRED)
            .map(value -> SenderTlsDemand.fromSpelling(value).orElse(SenderTlsDemand.REQUIRETLS));
    }
}
