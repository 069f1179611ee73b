package dev.jamestls.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.jamestls.admin.AdminException;
import dev.jamestls.smtp.PeerText;

/**
 * {@code ledger --webadmin URL [--token-file FILE] [--partner DOMAIN | --reports [--partner DOMAIN]] [--json]}: the
 * per-partner TLS ledger of a running James, read from its WebAdmin routes ({@code /jamestls/partners},
 * {@code /jamestls/partners/{domain}}, {@code /jamestls/reports/received}) and printed as tables.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true,
    description = "Print the per-partner TLS ledger of a running James (through its WebAdmin): last seen, TLS versions and "
        + "ciphers, inbound verdicts per connector, outbound results, last failure, certificates and their expiry, "
        + "and what the partners' TLS reports say about us.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed", "1:WebAdmin unreachable, refused the request, or holds no such partner", "2:usage error"})
final class LedgerCommand extends CliCommand {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final String PARTNERS = "/jamestls/partners";
    static final String RECEIVED_REPORTS = "/jamestls/reports/received";
    /** The class that serves the routes in James. */
    static final String ROUTES = "dev.jamestls.james.webadmin.PartnerLedgerRoutes";

    @Option(names = "--webadmin", required = true, paramLabel = "URL",
        description = "James's WebAdmin, e.g. http://127.0.0.1:8000 (the routes need extensions.routes in webadmin.properties)")
    String webAdmin;

    @Option(names = "--token-file", paramLabel = "FILE",
        description = "file holding the WebAdmin bearer token (JWT), when WebAdmin requires one; read, never printed")
    Path tokenFile;

    @Option(names = "--partner", paramLabel = "DOMAIN", description = "one partner in detail (with --reports: only its reports)")
    String partner;

    @Option(names = "--reports", description = "the TLS reports received, newest first")
    boolean reports;

    @Option(names = "--json", description = "the routes' JSON as James answered it (docs/ledger.md)")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "connect and answer timeout, 1..120 (default: ${DEFAULT-VALUE})")
    int timeoutSeconds = 15;

    @Override
    public Integer call() {
        checkTimeout(timeoutSeconds);
        URI base = base();
        String path = reports
            ? RECEIVED_REPORTS + (partner == null ? "" : "?partner=" + URLEncoder.encode(partner, StandardCharsets.UTF_8))
            : partner == null ? PARTNERS : PARTNERS + "/" + URLEncoder.encode(partner, StandardCharsets.UTF_8).replace("+", "%20");
        JsonNode answer;
        try {
            answer = get(base, path);
        } catch (AdminException e) {
            return failed(e);
        }
        PrintWriter out = out();
        if (json) {
            out.println(answer.toPrettyString());
        } else if (reports) {
            out.print(reportsTable(answer));
        } else if (partner == null) {
            out.print(partnersTable(answer));
        } else {
            out.print(partnerDetail(answer));
        }
        return JamesTlsCli.CLEAN;
    }

    private URI base() {
        try {
            URI uri = new URI(webAdmin.endsWith("/") ? webAdmin.substring(0, webAdmin.length() - 1) : webAdmin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw usage("--webadmin " + webAdmin + " is not an http:// or https:// URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw usage("--webadmin " + webAdmin + " is not a URL: " + e.getReason());
        }
    }

    private JsonNode get(URI base, String path) throws AdminException {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).GET()
            .header("Accept", "application/json");
        if (tokenFile != null) {
            request.header("Authorization", "Bearer " + token());
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AdminException("GET " + base + path + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("GET " + base + path + ": interrupted");
        }
        if (response.statusCode() != 200) {
            throw new AdminException("GET " + base + path + ": HTTP " + response.statusCode() + " " + message(response.body())
                + (response.statusCode() == 404 && (partner == null || reports) ? " (is " + ROUTES
                + " in extensions.routes of webadmin.properties?)" : ""));
        }
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AdminException("GET " + base + path + ": the answer is not JSON: " + e.getMessage());
        }
    }

    private String token() throws AdminException {
        try {
            String token = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
            if (token.isEmpty() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
                throw new AdminException("--token-file " + tokenFile + ": expected one token (printable ASCII, no spaces)");
            }
            return token;
        } catch (IOException e) {
            throw new AdminException("--token-file " + tokenFile + ": cannot read: " + e);
        }
    }

    /** James's error answer ({@code {"statusCode":..,"type":..,"message":..}}) by its message, else the body, bounded. */
    private static String message(String body) {
        try {
            JsonNode error = MAPPER.readTree(body);
            if (error != null && error.path("message").isTextual()) {
                return cell(error.get("message").textValue());
            }
        } catch (IOException e) {
            // not James's JSON error: the body itself, below
        }
        return cell(body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }

    static String partnersTable(JsonNode partners) {
        TextTable table = new TextTable("PARTNER", "LAST SEEN", "TLS", "INBOUND", "OUTBOUND", "LAST FAILURE", "CERT EXPIRY",
            "REPORTS ABOUT US");
        for (JsonNode partner : partners) {
            table.row(cell(text(partner, "domain")), text(partner, "lastSeen"), joined(partner.path("protocols")),
                inbound(partner), counts(partner.path("outboundResults")), lastFailure(partner), soonestExpiry(partner),
                reportsSaid(partner.path("reportsAboutUs")));
        }
        return partners.isEmpty() ? "No partner in the TLS ledger yet.\n" : table.text("");
    }

    static String partnerDetail(JsonNode partner) {
        StringBuilder out = new StringBuilder();
        out.append("Partner ").append(cell(text(partner, "domain"))).append('\n');
        line(out, "first seen", text(partner, "firstSeen"));
        line(out, "last seen", text(partner, "lastSeen"));
        line(out, "last inbound", text(partner, "lastInbound"));
        line(out, "last outbound", text(partner, "lastOutbound"));
        line(out, "inbound identity", text(partner, "inboundIdentity"));
        line(out, "EHLO name", partner.has("lastHeloUnverified") ? cell(text(partner, "lastHeloUnverified")) + " (unverified)" : "");
        line(out, "TLS versions", joined(partner.path("protocols")));
        line(out, "ciphers", joined(partner.path("ciphers")));
        line(out, "verified by", joined(partner.path("verifiedConnectors")));
        line(out, "outbound", counts(partner.path("outboundResults")));
        line(out, "last failure", lastFailure(partner));
        line(out, "reports about us", reportsSaid(partner.path("reportsAboutUs")));
        TextTable inbound = new TextTable("INBOUND RULE", "VERDICTS");
        partner.path("inboundVerdicts").fields().forEachRemaining(rule -> inbound.row(cell(rule.getKey()), counts(rule.getValue())));
        out.append('\n').append(inbound.text("  "));
        TextTable certificates = new TextTable("SIDE", "SUBJECT", "ISSUER", "NOT AFTER", "DAYS LEFT", "WHERE", "CHECK", "SHA-256");
        for (JsonNode certificate : partner.path("certificates")) {
            certificates.row(text(certificate, "side"), cell(text(certificate, "subject")), cell(text(certificate, "issuer")),
                text(certificate, "notAfter"), text(certificate, "daysLeft"), cell(text(certificate, "where")),
                cell(text(certificate, "check")), text(certificate, "sha256"));
        }
        out.append('\n').append(certificates.text("  "));
        return out.toString();
    }

    static String reportsTable(JsonNode reports) {
        TextTable table = new TextTable("RECEIVED", "PARTNER", "ORGANIZATION", "REPORT ID", "RANGE", "SUCCESSFUL", "FAILED", "ABOUT US");
        for (JsonNode report : reports) {
            List<String> ours = new ArrayList<>();
            for (JsonNode policy : report.path("aboutUs")) {
                ours.add(cell(text(policy, "domain")) + " " + text(policy, "policyType")
                    + (policy.path("failures").isEmpty() ? "" : " " + counts(policy.path("failures"))));
            }
            table.row(text(report, "receivedAt"), cell(text(report, "partner")), cell(text(report, "organization")),
                cell(text(report, "reportId")), text(report, "rangeStart") + ".." + text(report, "rangeEnd"),
                text(report, "successfulSessions"), text(report, "failedSessions"), String.join("; ", ours));
        }
        return reports.isEmpty() ? "No TLS report received yet.\n" : table.text("");
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("  %-17s %s%n", label, value.isEmpty() ? "-" : value));
    }

    private static String inbound(JsonNode partner) {
        long compliant = 0;
        long violations = 0;
        for (JsonNode counts : partner.path("inboundVerdicts")) {
            compliant += counts.path("compliant").asLong();
            violations += counts.path("violation").asLong();
        }
        if (compliant + violations == 0) {
            return "";
        }
        String identity = partner.path("inboundIdentity").asText("");
        return compliant + " compliant, " + violations + " violation" + (violations == 1 ? "" : "s")
            + (identity.equals("verified-client-certificate") ? " (verified)" : "");
    }

    private static String lastFailure(JsonNode partner) {
        JsonNode failure = partner.path("lastFailure");
        if (failure.isMissingNode()) {
            return "";
        }
        return text(failure, "direction") + " " + cell(text(failure, "kind")) + " at " + text(failure, "at");
    }

    private static String soonestExpiry(JsonNode partner) {
        JsonNode soonest = null;
        for (JsonNode certificate : partner.path("certificates")) {
            if (soonest == null || certificate.path("daysLeft").asLong() < soonest.path("daysLeft").asLong()) {
                soonest = certificate;
            }
        }
        return soonest == null ? "" : soonest.path("daysLeft").asLong() + " days (" + text(soonest, "side") + ")";
    }

    private static String reportsSaid(JsonNode said) {
        long reports = said.path("reports").asLong();
        if (reports == 0) {
            return "";
        }
        return reports + " report" + (reports == 1 ? "" : "s") + ": " + said.path("successfulSessions").asLong() + " ok, "
            + said.path("failedSessions").asLong() + " failed";
    }

    private static String counts(JsonNode counts) {
        List<String> parts = new ArrayList<>();
        counts.fields().forEachRemaining(entry -> parts.add(cell(entry.getKey()) + " " + entry.getValue().asLong()));
        return String.join(", ", parts);
    }

    private static String joined(JsonNode values) {
        List<String> parts = new ArrayList<>();
        values.forEach(value -> parts.add(cell(value.asText())));
        return String.join(", ", parts);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    /**
     * A value for the terminal: James escaped peer text already, but the CLI does not take a remote answer's word for
     * it: a control character left in a value is escaped here ({@link PeerText}).
     */
    private static String cell(String value) {
        return PeerText.hasControlCharacters(value) ? PeerText.escape(value) : value;
    }
}
