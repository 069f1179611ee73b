package dev.jamestls.policy.eff;

import java.io.IOException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamestls.policy.CipherPolicy;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.DomainTable;
import dev.jamestls.policy.FailureMode;
import dev.jamestls.policy.MatchName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.policy.TableEntry;
import dev.jamestls.tls.TlsProtocol;

/**
 * Turns an EFF STARTTLS-Everywhere {@code policy.json} into a {@link DomainTable}.
 * Mapping (RULES.md of the list):
 * <ul>
 *   <li>each policy domain is an exact key ("matching of mail domains is on an exact-match basis");</li>
 *   <li>level {@code secure}: valid chain, TLS ≥ 1.2, server names matching {@code mxs};</li>
 *   <li>{@code mxs} entries: {@code mx.eff.org} exact; {@code .eff.org} "only one subdomain label",
 *       i.e. {@code *.eff.org} (RFC 6125 §6.4.3);</li>
 *   <li>{@code mode}: {@code enforce} or {@code testing}, carried per entry; {@code policy-alias} resolved.</li>
 * </ul>
 * The list's own {@code expires} is returned, not enforced: the caller decides (RULES.md says fall back to
 * opportunistic after it).
 */
public final class EffPolicyImporter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private EffPolicyImporter() {
    }

    /**
     * The imported list.
     *
     * @param table the entries
     * @param expires the list's expiry
     * @param count number of policies imported
     */
    public record Imported(DomainTable table, OffsetDateTime expires, int count) {
    }

    /**
     * Reads {@code file}.
     *
     * @throws IOException when the file cannot be read or is not JSON
     * @throws IllegalArgumentException naming the domain and field when an entry is invalid
     */
    public static Imported read(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        String version = text(root, "version", "the list");
        if (!version.equals("0.1")) {
            throw new IllegalArgumentException("unsupported EFF policy list version '" + version + "'; accepted: 0.1");
        }
        OffsetDateTime expires = timestamp(text(root, "expires", "the list"));
        Map<String, OutboundRequirement> aliases = new HashMap<>();
        Map<String, Mode> aliasModes = new HashMap<>();
        JsonNode aliasNodes = root.path("policy-aliases");
        for (Iterator<Map.Entry<String, JsonNode>> it = aliasNodes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> alias = it.next();
            aliases.put(alias.getKey(), requirement(alias.getValue(), "alias " + alias.getKey()));
            aliasModes.put(alias.getKey(), mode(alias.getValue(), "alias " + alias.getKey()));
        }
        String tableName = file.getFileName().toString();
        DomainTable.Builder builder = DomainTable.builder(tableName);
        int count = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("policies").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> policy = it.next();
            String where = "policy " + policy.getKey();
            DomainName domain = DomainName.parse(policy.getKey());
            JsonNode node = policy.getValue();
            OutboundRequirement requirement;
            Mode mode;
            if (node.has("policy-alias")) {
                String alias = text(node, "policy-alias", where);
                requirement = Optional.ofNullable(aliases.get(alias))
                    .orElseThrow(() -> new IllegalArgumentException(where + ": unknown policy-alias '" + alias + "'"));
                mode = aliasModes.get(alias);
            } else {
                requirement = requirement(node, where);
                mode = mode(node, where);
            }
            TableEntry entry = new TableEntry(domain.ascii(), mode, requirement, tableName, 0);
            if (builder.addExact(domain, entry).isPresent()) {
                throw new IllegalArgumentException(where + ": listed twice");
            }
            count++;
        }
        return new Imported(builder.build(), expires, count);
    }

    private static OutboundRequirement requirement(JsonNode node, String where) {
        List<MatchName> match = new ArrayList<>();
        JsonNode mxs = node.path("mxs");
        if (!mxs.isArray() || mxs.isEmpty()) {
            throw new IllegalArgumentException(where + ": 'mxs' must be a non-empty array");
        }
        for (JsonNode mx : mxs) {
            String pattern = mx.asText();
            match.add(MatchName.parse(pattern.startsWith(".") ? "*" + pattern : pattern));
        }
        return new OutboundRequirement(OutboundLevel.SECURE, match, List.of(), TlsProtocol.TLS_1_2, CipherPolicy.DEFAULT,
            List.of(), FailureMode.TEMPORARY);
    }

    private static Mode mode(JsonNode node, String where) {
        // RULES.md: "Default: testing".
        String mode = node.has("mode") ? text(node, "mode", where) : "testing";
        try {
            return Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isValueNode()) {
            throw new IllegalArgumentException(where + ": field '" + field + "' is missing");
        }
        return value.asText();
    }

    private static OffsetDateTime timestamp(String value) {
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(Long.parseLong(value)), java.time.ZoneOffset.UTC);
        }
    }
}
