package dev.jamestls.policy.eff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.jamestls.policy.Defaults;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundResolution;
import dev.jamestls.policy.RuleKind;
import dev.jamestls.policy.TableEntry;
import dev.jamestls.policy.TlsPolicy;

/** Real data: the EFF STARTTLS-Everywhere list (926 domains), from the shared test data. */
class EffPolicyImporterTest {
    static Path policyJson() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/testdata/eff-starttls-policy/policy.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("shared/testdata/eff-starttls-policy/policy.json not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void importsAllPoliciesOfTheRealList() throws IOException {
        EffPolicyImporter.Imported imported = EffPolicyImporter.read(policyJson());

        assertThat(imported.count()).isEqualTo(926);
        assertThat(imported.table().size()).isEqualTo(926);
        assertThat(imported.expires().toInstant()).isEqualTo(Instant.parse("2020-06-03T17:25:12.710055Z"));
    }

    @Test
    void lookupsReturnTheExpectedLevelsModesAndMatchNames() throws IOException {
        EffPolicyImporter.Imported imported = EffPolicyImporter.read(policyJson());
        TlsPolicy policy = new TlsPolicy(Defaults.OPPORTUNISTIC, List.of(), List.of(imported.table()),
            Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC));

        OutboundResolution gmail = policy.resolveOutbound("GMAIL.com");
        assertThat(gmail.kind()).isEqualTo(RuleKind.DOMAIN_TABLE);
        assertThat(gmail.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(gmail.requirement().level()).isEqualTo(OutboundLevel.SECURE);
        assertThat(gmail.requirement().match()).extracting(Object::toString)
            .containsExactly("gmail-smtp-in.l.google.com", "*.gmail-smtp-in.l.google.com");

        OutboundResolution hotmail = policy.resolveOutbound("hotmail.com");
        assertThat(hotmail.mode()).isEqualTo(Mode.TESTING);
        assertThat(hotmail.requirement().match()).extracting(Object::toString)
            .containsExactly("*.olc.protection.outlook.com", "*.mail.protection.outlook.com");
        DomainName nexthop = DomainName.parse("hotmail.com");
        assertThat(hotmail.requirement().match().get(1).matches("hotmail-com.mail.protection.outlook.com", nexthop, "")).isTrue();
        assertThat(hotmail.requirement().match().get(1).matches("a.b.mail.protection.outlook.com", nexthop, "")).isFalse();

        assertThat(policy.resolveOutbound("comcast.net").mode()).isEqualTo(Mode.ENFORCE);
        assertThat(policy.resolveOutbound("eff.org").mode()).isEqualTo(Mode.TESTING);
        // Exact matching only (RULES.md): subdomains of listed domains get the defaults.
        assertThat(policy.resolveOutbound("lists.eff.org").kind()).isEqualTo(RuleKind.DEFAULTS);
        assertThat(policy.resolveOutbound("not-listed.example").requirement().level()).isEqualTo(OutboundLevel.MAY);
    }

    @Test
    void everyEntryIsSecureWithTlsTwelveAndAtLeastOneMatchName() throws IOException {
        EffPolicyImporter.Imported imported = EffPolicyImporter.read(policyJson());
        var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        var domains = mapper.readTree(policyJson().toFile()).path("policies").fieldNames();
        int checked = 0;
        while (domains.hasNext()) {
            TableEntry entry = imported.table().lookup(DomainName.parse(domains.next())).orElseThrow();
            assertThat(entry.requirement().level()).isEqualTo(OutboundLevel.SECURE);
            assertThat(entry.requirement().match()).isNotEmpty();
            checked++;
        }
        assertThat(checked).isEqualTo(926);
    }
}
