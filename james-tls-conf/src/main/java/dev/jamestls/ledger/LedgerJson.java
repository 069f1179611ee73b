package dev.jamestls.ledger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.tls.Spelled;

/**
 * The ledger as JSON: the same objects in the WebAdmin routes, the CLI's {@code --json} and the ledger file. Field
 * names are camel case, as in James's WebAdmin; instants are ISO-8601 UTC; absent values are left out. Shown with a
 * time ({@code now}), certificates also carry {@code daysLeft}.
 */
public final class LedgerJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LedgerJson() {
    }

    /** A malformed ledger document: where, and what was expected. */
    public static final class FormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatException(String path, String expected) {
            super(path + ": expected " + expected);
        }
    }

    public static ObjectNode partner(PartnerRecord partner, Optional<Instant> now) {
        ObjectNode node = NODES.objectNode();
        node.put("domain", partner.domain());
        node.put("firstSeen", partner.firstSeen().toString());
        node.put("lastSeen", partner.lastSeen().toString());
        partner.lastInbound().ifPresent(at -> node.put("lastInbound", at.toString()));
        partner.lastOutbound().ifPresent(at -> node.put("lastOutbound", at.toString()));
        partner.inboundIdentity().ifPresent(identity -> node.put("inboundIdentity", identity.spelling()));
        partner.lastHelo().ifPresent(helo -> node.put("lastHeloUnverified", helo));
        strings(node.putArray("protocols"), partner.protocols());
        strings(node.putArray("ciphers"), partner.ciphers());
        ObjectNode verdicts = node.putObject("inboundVerdicts");
        partner.inboundVerdicts().forEach((rule, counts) -> counts(verdicts.putObject(rule), counts));
        strings(node.putArray("verifiedConnectors"), partner.verifiedConnectors());
        counts(node.putObject("outboundResults"), partner.outboundResults());
        partner.lastFailure().ifPresent(failure -> {
            ObjectNode last = node.putObject("lastFailure");
            last.put("at", failure.at().toString());
            last.put("direction", failure.direction().spelling());
            last.put("kind", failure.kind());
            last.put("reason", failure.reason());
        });
        ArrayNode certificates = node.putArray("certificates");
        partner.certificates().forEach(certificate -> certificates.add(certificate(certificate, now)));
        ObjectNode reports = node.putObject("reportsAboutUs");
        ReportsSaid said = partner.reports();
        reports.put("reports", said.reports());
        reports.put("successfulSessions", said.successful());
        reports.put("failedSessions", said.failed());
        counts(reports.putObject("failures"), said.failures());
        said.lastReceived().ifPresent(at -> reports.put("lastReceived", at.toString()));
        said.lastReportId().ifPresent(id -> reports.put("lastReportId", id));
        return node;
    }

    public static ObjectNode certificate(SeenCertificate certificate, Optional<Instant> now) {
        ObjectNode node = NODES.objectNode();
        node.put("sha256", certificate.sha256());
        node.put("side", certificate.side().spelling());
        node.put("subject", certificate.subject());
        node.put("issuer", certificate.issuer());
        node.put("notAfter", certificate.notAfter().toString());
        now.ifPresent(at -> node.put("daysLeft", certificate.daysLeft(at)));
        node.put("where", certificate.where());
        node.put("check", certificate.check());
        node.put("firstSeen", certificate.firstSeen().toString());
        node.put("lastSeen", certificate.lastSeen().toString());
        return node;
    }

    public static ObjectNode report(ReceivedReport report) {
        ObjectNode node = NODES.objectNode();
        node.put("receivedAt", report.receivedAt().toString());
        node.put("partner", report.partner());
        node.put("organization", report.organization());
        node.put("reportId", report.reportId());
        node.put("rangeStart", report.rangeStart().toString());
        node.put("rangeEnd", report.rangeEnd().toString());
        node.put("successfulSessions", report.successful());
        node.put("failedSessions", report.failed());
        ArrayNode ours = node.putArray("aboutUs");
        for (ReceivedReport.PolicyCounts policy : report.ours()) {
            ObjectNode row = ours.addObject();
            row.put("domain", policy.domain());
            row.put("policyType", policy.type());
            row.put("successfulSessions", policy.successful());
            row.put("failedSessions", policy.failed());
            counts(row.putObject("failures"), policy.failures());
        }
        node.put("otherPolicies", report.otherPolicies());
        return node;
    }

    public static ArrayNode partners(List<PartnerRecord> partners, Optional<Instant> now) {
        ArrayNode array = NODES.arrayNode();
        partners.forEach(partner -> array.add(partner(partner, now)));
        return array;
    }

    public static ArrayNode reports(List<ReceivedReport> reports) {
        ArrayNode array = NODES.arrayNode();
        reports.forEach(report -> array.add(report(report)));
        return array;
    }

    /** A partner as {@link #partner} wrote it; text is taken as written (it was escaped when it entered). */
    public static PartnerRecord readPartner(JsonNode node, String path) throws FormatException {
        Map<String, Map<String, Long>> verdicts = new LinkedHashMap<>();
        JsonNode verdictNode = object(node, path, "inboundVerdicts");
        for (var entry : iterable(verdictNode.fields())) {
            verdicts.put(entry.getKey(), readCounts(entry.getValue(), path + ".inboundVerdicts." + entry.getKey()));
        }
        List<SeenCertificate> certificates = new ArrayList<>();
        JsonNode certificateNodes = array(node, path, "certificates");
        for (int i = 0; i < certificateNodes.size(); i++) {
            certificates.add(readCertificate(certificateNodes.get(i), path + ".certificates[" + i + "]"));
        }
        Optional<LastFailure> failure = Optional.empty();
        if (node.has("lastFailure")) {
            JsonNode last = object(node, path, "lastFailure");
            String at = path + ".lastFailure";
            failure = Optional.of(new LastFailure(instant(last, at, "at"), spelled(Direction.class, last, at, "direction"),
                text(last, at, "kind"), text(last, at, "reason")));
        }
        JsonNode said = object(node, path, "reportsAboutUs");
        String saidPath = path + ".reportsAboutUs";
        ReportsSaid reports = new ReportsSaid(number(said, saidPath, "reports"), number(said, saidPath, "successfulSessions"),
            number(said, saidPath, "failedSessions"), readCounts(object(said, saidPath, "failures"), saidPath + ".failures"),
            optional(said, saidPath, "lastReceived", LedgerJson::instant), optional(said, saidPath, "lastReportId", LedgerJson::text));
        try {
            return new PartnerRecord(text(node, path, "domain"), instant(node, path, "firstSeen"), instant(node, path, "lastSeen"),
                optional(node, path, "lastInbound", LedgerJson::instant), optional(node, path, "lastOutbound", LedgerJson::instant),
                optional(node, path, "inboundIdentity", (n, p, f) -> spelled(InboundIdentity.class, n, p, f)),
                optional(node, path, "lastHeloUnverified", LedgerJson::text), readStrings(node, path, "protocols"),
                readStrings(node, path, "ciphers"), verdicts, readStrings(node, path, "verifiedConnectors"),
                readCounts(object(node, path, "outboundResults"), path + ".outboundResults"), failure, certificates, reports);
        } catch (IllegalArgumentException e) {
            throw new FormatException(path, "a partner: " + e.getMessage());
        }
    }

    public static ReceivedReport readReport(JsonNode node, String path) throws FormatException {
        List<ReceivedReport.PolicyCounts> ours = new ArrayList<>();
        JsonNode rows = array(node, path, "aboutUs");
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            String at = path + ".aboutUs[" + i + "]";
            ours.add(new ReceivedReport.PolicyCounts(text(row, at, "domain"), text(row, at, "policyType"),
                number(row, at, "successfulSessions"), number(row, at, "failedSessions"),
                readCounts(object(row, at, "failures"), at + ".failures")));
        }
        try {
            return new ReceivedReport(instant(node, path, "receivedAt"), text(node, path, "partner"), text(node, path, "organization"),
                text(node, path, "reportId"), instant(node, path, "rangeStart"), instant(node, path, "rangeEnd"), ours,
                (int) number(node, path, "otherPolicies"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(path, "a report: " + e.getMessage());
        }
    }

    private static SeenCertificate readCertificate(JsonNode node, String path) throws FormatException {
        try {
            return new SeenCertificate(text(node, path, "sha256"), spelled(CertificateSide.class, node, path, "side"),
                text(node, path, "subject"), text(node, path, "issuer"), instant(node, path, "notAfter"), text(node, path, "where"),
                text(node, path, "check"), instant(node, path, "firstSeen"), instant(node, path, "lastSeen"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(path, "a certificate: " + e.getMessage());
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static void counts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }

    private interface Reader<T> {
        T read(JsonNode node, String path, String field) throws FormatException;
    }

    private static <T> Optional<T> optional(JsonNode node, String path, String field, Reader<T> reader) throws FormatException {
        return node.has(field) ? Optional.of(reader.read(node, path, field)) : Optional.empty();
    }

    private static String text(JsonNode node, String path, String field) throws FormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new FormatException(path + "." + field, "a string");
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String path, String field) throws FormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new FormatException(path + "." + field, "a whole number, not negative");
        }
        return value.longValue();
    }

    private static Instant instant(JsonNode node, String path, String field) throws FormatException {
        String value = text(node, path, field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new FormatException(path + "." + field, "an ISO-8601 instant");
        }
    }

    private static <E extends Enum<E> & Spelled> E spelled(Class<E> type, JsonNode node, String path, String field)
        throws FormatException {
        String value = text(node, path, field);
        try {
            return Spelled.parse(type, field, value);
        } catch (IllegalArgumentException e) {
            throw new FormatException(path + "." + field, "one of " + Spelled.accepted(type));
        }
    }

    private static JsonNode object(JsonNode node, String path, String field) throws FormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new FormatException(path + "." + field, "an object");
        }
        return value;
    }

    private static JsonNode array(JsonNode node, String path, String field) throws FormatException {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new FormatException(path + "." + field, "an array");
        }
        return value;
    }

    private static List<String> readStrings(JsonNode node, String path, String field) throws FormatException {
        JsonNode values = array(node, path, field);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).isTextual()) {
                throw new FormatException(path + "." + field + "[" + i + "]", "a string");
            }
            result.add(values.get(i).textValue());
        }
        return result;
    }

    private static Map<String, Long> readCounts(JsonNode node, String path) throws FormatException {
        if (!node.isObject()) {
            throw new FormatException(path, "an object of counts");
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        for (var entry : iterable(node.fields())) {
            counts.put(entry.getKey(), number(node, path, entry.getKey()));
        }
        return counts;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }
}
