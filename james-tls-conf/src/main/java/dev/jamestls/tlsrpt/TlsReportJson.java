package dev.jamestls.tlsrpt;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.tlsrpt.TlsReportFormatException.Problem;

/**
 * The JSON of a TLS report (RFC 8460 §4.4): the writer, members in the order of the RFC's Figure 2 and optional
 * members left out when absent; and a strict parser.
 *
 * <p>The parser requires the report's five members, and in each policy its {@code policy-type} (one of the three
 * of §4.4), {@code policy-domain} and {@code summary}, and in each failure detail its {@code result-type} and
 * {@code failed-session-count}; {@code policy-string}, {@code mx-host}, {@code failure-details} and the other
 * failure-detail members may be absent. It refuses wrong JSON types, empty strings, fractions, negative counts,
 * date-times that are not RFC 3339 §5.6 with a time zone, and a range that ends before it starts. Members it does
 * not know are ignored: §4.4 does not close the objects, and reporters add their own. Any {@code result-type} is
 * accepted, the registry of result types being open (RFC 8460 §6.6).
 */
public final class TlsReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * The most policies a report may have. RFC 8460 §4.4 sets no bound; a report has one policy per policy domain and
     * type the sender met in a day, and the bound keeps the work on one received report small.
     */
    public static final int MAX_POLICIES = 1_000;
    /** The most failure details a report may have, all policies together (one per failure type, MX host and address). */
    public static final int MAX_FAILURE_DETAILS = 10_000;
    /** RFC 3339 §5.6 date-time in UTC, as in RFC 8460 Appendix B: {@code 2016-04-01T00:00:00Z}. */
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ISO_INSTANT;

    private TlsReportJson() {
    }

    /** The report as compact JSON. */
    public static String write(TlsReport report) {
        return toJson(toTree(report));
    }

    private static String toJson(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written: " + e.getMessage(), e);
        }
    }

    /** The report as a JSON tree. */
    public static ObjectNode toTree(TlsReport report) {
        ObjectNode root = NODES.objectNode();
        root.put("organization-name", report.organizationName());
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", DATE_TIME.format(report.dateRange().start()));
        range.put("end-datetime", DATE_TIME.format(report.dateRange().end()));
        root.put("contact-info", report.contactInfo());
        root.put("report-id", report.reportId());
        ArrayNode policies = root.putArray("policies");
        report.policies().forEach(policy -> policies.add(policyReport(policy)));
        return root;
    }

    static ObjectNode policyReport(PolicyReport report) {
        ObjectNode node = NODES.objectNode();
        ObjectNode policy = node.putObject("policy");
        policy.put("policy-type", report.policy().type().spelling());
        if (!report.policy().strings().isEmpty()) {
            ArrayNode strings = policy.putArray("policy-string");
            report.policy().strings().forEach(strings::add);
        }
        policy.put("policy-domain", report.policy().domain());
        if (!report.policy().mxHosts().isEmpty()) {
            ArrayNode hosts = policy.putArray("mx-host");
            report.policy().mxHosts().forEach(hosts::add);
        }
        ObjectNode summary = node.putObject("summary");
        summary.put("total-successful-session-count", report.summary().totalSuccessfulSessionCount());
        summary.put("total-failure-session-count", report.summary().totalFailureSessionCount());
        if (!report.failureDetails().isEmpty()) {
            ArrayNode details = node.putArray("failure-details");
            for (FailureDetail detail : report.failureDetails()) {
                ObjectNode row = details.addObject();
                row.put("result-type", detail.resultType());
                detail.sendingMtaIp().ifPresent(value -> row.put("sending-mta-ip", value));
                detail.receivingMxHostname().ifPresent(value -> row.put("receiving-mx-hostname", value));
                detail.receivingMxHelo().ifPresent(value -> row.put("receiving-mx-helo", value));
                detail.receivingIp().ifPresent(value -> row.put("receiving-ip", value));
                row.put("failed-session-count", detail.failedSessionCount());
                detail.additionalInformation().ifPresent(value -> row.put("additional-information", value));
                detail.failureReasonCode().ifPresent(value -> row.put("failure-reason-code", value));
            }
        }
        return node;
    }

    /** Parses a report, strictly (see the class comment). */
    public static TlsReport parse(String json) throws TlsReportFormatException {
        JsonNode root = readTree(json);
        Reader reader = new Reader();
        JsonNode range = reader.object(root, "date-range", "$");
        Instant start = reader.dateTime(range, "start-datetime", "$.date-range");
        Instant end = reader.dateTime(range, "end-datetime", "$.date-range");
        if (end.isBefore(start)) {
            throw new TlsReportFormatException(Problem.BAD_DATE, "$.date-range", "ends " + end + " before it starts " + start);
        }
        String organization = reader.text(root, "organization-name", "$");
        String contact = reader.text(root, "contact-info", "$");
        String reportId = reader.text(root, "report-id", "$");
        JsonNode policies = reader.array(root, "policies", "$");
        if (policies.size() > MAX_POLICIES) {
            throw new TlsReportFormatException(Problem.TOO_LARGE, "$.policies", policies.size() + " policies, more than " + MAX_POLICIES);
        }
        List<PolicyReport> reports = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            reports.add(reader.policyReport(policies.get(i), "$.policies[" + i + "]"));
        }
        return new TlsReport(organization, new DateRange(start, end), contact, reportId, reports);
    }

    static PolicyReport parsePolicyReport(JsonNode node, String path) throws TlsReportFormatException {
        return new Reader().policyReport(node, path);
    }

    private static JsonNode readTree(String json) throws TlsReportFormatException {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || root.isMissingNode()) {
                throw new TlsReportFormatException(Problem.NOT_JSON, "$", "no JSON value");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new TlsReportFormatException(Problem.NOT_JSON, "$", e.getOriginalMessage());
        } catch (IOException e) {
            throw new TlsReportFormatException(Problem.NOT_JSON, "$", e.getMessage());
        }
    }

    private static final class Reader {
        /** The failure details read so far, all policies together. */
        private int failureDetails;

        PolicyReport policyReport(JsonNode node, String path) throws TlsReportFormatException {
            requireObject(node, path);
            JsonNode policy = object(node, "policy", path);
            String policyPath = path + ".policy";
            String typeSpelling = text(policy, "policy-type", policyPath);
            PolicyType type;
            try {
                type = PolicyType.parse(typeSpelling);
            } catch (IllegalArgumentException e) {
                throw new TlsReportFormatException(Problem.BAD_VALUE, policyPath + ".policy-type", e.getMessage());
            }
            List<String> strings = optionalTexts(policy, "policy-string", policyPath);
            String domain = text(policy, "policy-domain", policyPath);
            List<String> mxHosts = optionalTexts(policy, "mx-host", policyPath);
            JsonNode summary = object(node, "summary", path);
            String summaryPath = path + ".summary";
            Summary counts = new Summary(count(summary, "total-successful-session-count", summaryPath),
                count(summary, "total-failure-session-count", summaryPath));
            List<FailureDetail> details = new ArrayList<>();
            JsonNode rows = node.get("failure-details");
            if (rows != null) {
                requireArray(rows, path + ".failure-details");
                failureDetails += rows.size();
                if (failureDetails > MAX_FAILURE_DETAILS) {
                    throw new TlsReportFormatException(Problem.TOO_LARGE, path + ".failure-details", "more than " + MAX_FAILURE_DETAILS
                        + " failure details in the report");
                }
                for (int i = 0; i < rows.size(); i++) {
                    details.add(failureDetail(rows.get(i), path + ".failure-details[" + i + "]"));
                }
            }
            return new PolicyReport(new ReportedPolicy(type, strings, domain, mxHosts), counts, details);
        }

        FailureDetail failureDetail(JsonNode row, String path) throws TlsReportFormatException {
            requireObject(row, path);
            return new FailureDetail(text(row, "result-type", path), optionalText(row, "sending-mta-ip", path),
                optionalText(row, "receiving-mx-hostname", path), optionalText(row, "receiving-mx-helo", path),
                optionalText(row, "receiving-ip", path), count(row, "failed-session-count", path),
                optionalText(row, "additional-information", path), optionalText(row, "failure-reason-code", path));
        }

        JsonNode object(JsonNode parent, String name, String path) throws TlsReportFormatException {
            requireObject(parent, path);
            JsonNode node = required(parent, name, path);
            requireObject(node, path + "." + name);
            return node;
        }

        JsonNode array(JsonNode parent, String name, String path) throws TlsReportFormatException {
            requireObject(parent, path);
            JsonNode node = required(parent, name, path);
            requireArray(node, path + "." + name);
            return node;
        }

        String text(JsonNode parent, String name, String path) throws TlsReportFormatException {
            requireObject(parent, path);
            JsonNode node = required(parent, name, path);
            return nonEmptyText(node, path + "." + name);
        }

        Optional<String> optionalText(JsonNode parent, String name, String path) throws TlsReportFormatException {
            JsonNode node = parent.get(name);
            return node == null ? Optional.empty() : Optional.of(nonEmptyText(node, path + "." + name));
        }

        List<String> optionalTexts(JsonNode parent, String name, String path) throws TlsReportFormatException {
            JsonNode node = parent.get(name);
            if (node == null) {
                return List.of();
            }
            requireArray(node, path + "." + name);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                values.add(nonEmptyText(node.get(i), path + "." + name + "[" + i + "]"));
            }
            return values;
        }

        long count(JsonNode parent, String name, String path) throws TlsReportFormatException {
            JsonNode node = required(parent, name, path);
            String where = path + "." + name;
            if (!node.isIntegralNumber() || !node.canConvertToLong()) {
                throw new TlsReportFormatException(Problem.WRONG_TYPE, where, "expected a whole number, found " + node);
            }
            long value = node.asLong();
            if (value < 0) {
                throw new TlsReportFormatException(Problem.NEGATIVE_COUNT, where, "count " + value + " is negative");
            }
            return value;
        }

        Instant dateTime(JsonNode parent, String name, String path) throws TlsReportFormatException {
            JsonNode node = required(parent, name, path);
            String where = path + "." + name;
            if (!node.isTextual()) {
                throw new TlsReportFormatException(Problem.WRONG_TYPE, where, "expected an RFC 3339 date-time string, found " + node);
            }
            try {
                // RFC 8460 §4.4: "date-time" of RFC 3339 §5.6: a time zone offset is required.
                return OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new TlsReportFormatException(Problem.BAD_DATE, where,
                    "'" + node.textValue() + "' is not an RFC 3339 date-time with a time zone (2016-04-01T00:00:00Z)");
            }
        }

        private static JsonNode required(JsonNode parent, String name, String path) throws TlsReportFormatException {
            JsonNode node = parent.get(name);
            if (node == null) {
                throw new TlsReportFormatException(Problem.MISSING, path + "." + name, "required member missing");
            }
            return node;
        }

        private static String nonEmptyText(JsonNode node, String where) throws TlsReportFormatException {
            if (!node.isTextual()) {
                throw new TlsReportFormatException(Problem.WRONG_TYPE, where, "expected a string, found " + node);
            }
            if (node.textValue().isBlank()) {
                throw new TlsReportFormatException(Problem.BAD_VALUE, where, "empty string");
            }
            return node.textValue();
        }

        private static void requireObject(JsonNode node, String where) throws TlsReportFormatException {
            if (!node.isObject()) {
                throw new TlsReportFormatException(Problem.WRONG_TYPE, where, "expected an object, found " + node.getNodeType());
            }
        }

        private static void requireArray(JsonNode node, String where) throws TlsReportFormatException {
            if (!node.isArray()) {
                throw new TlsReportFormatException(Problem.WRONG_TYPE, where, "expected an array, found " + node.getNodeType());
            }
        }
    }
}
