package dev.jamestls.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import dev.jamestls.tls.CertificateFacts;
import dev.jamestls.tls.Spelled;

/**
 * The publishable facts of our chain and what is wrong with it.
 *
 * @param chain the chain as loaded
 * @param facts facts of each certificate, leaf first
 * @param rootIssuer the DN partners must trust: the issuer of the top certificate (its own subject when self-signed)
 * @param topSelfSigned whether the top certificate of the chain is a self-signed root
 * @param warnings what a partner would trip over, in chain order
 */
public record ChainReport(ServerChain chain, List<CertificateFacts> facts, String rootIssuer, boolean topSelfSigned,
                          List<FactsWarning> warnings) {
    /** The role of a certificate in the chain, spelt as in the JSON output. */
    public enum Role implements Spelled {
        LEAF, INTERMEDIATE, ROOT;

        @Override
        public String toString() {
            return spelling();
        }
    }

    public ChainReport {
        Objects.requireNonNull(chain, "chain");
        facts = List.copyOf(facts);
        Objects.requireNonNull(rootIssuer, "rootIssuer");
        warnings = List.copyOf(warnings);
    }

    public Role role(int index) {
        if (index == 0) {
            return Role.LEAF;
        }
        return index == facts.size() - 1 && topSelfSigned ? Role.ROOT : Role.INTERMEDIATE;
    }

    /** Values of one attribute type ({@code CN}, {@code O}, {@code OU}) of an RFC 2253 DN, in the order written. */
    public static List<String> attribute(String dn, String type) {
        List<String> values = new ArrayList<>();
        try {
            List<Rdn> rdns = new ArrayList<>(new LdapName(dn).getRdns());
            java.util.Collections.reverse(rdns); // LdapName lists the most significant (right-most) RDN first
            for (Rdn rdn : rdns) {
                if (rdn.getType().toUpperCase(Locale.ROOT).equals(type.toUpperCase(Locale.ROOT))) {
                    values.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return List.of();
        }
        return values;
    }
}
