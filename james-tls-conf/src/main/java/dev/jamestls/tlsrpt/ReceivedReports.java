package dev.jamestls.tlsrpt;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.jamestls.tlsrpt.TlsReportFormatException.Problem;

/**
 * Receiving TLS reports (RFC 8460 §5.3): which MIME parts are reports, reading one within bounds, checking its dates,
 * and keeping what it says about our own domains.
 *
 * <p>A report part is read as sent (after its transfer encoding) up to {@link #MAX_SENT_BYTES}; a gzip report is
 * inflated up to {@link #MAX_JSON_BYTES}, so a small gzip bomb stops at the bound instead of filling memory. The JSON
 * must be UTF-8 (RFC 8259 §8.1) and is parsed strictly ({@link TlsReportJson#parse}). A date range that ends more than
 * {@link #CLOCK_SKEW} after now describes sessions that have not happened yet and is refused.
 */
public final class ReceivedReports {
    /** The largest report part accepted as sent, compressed or not. */
    public static final int MAX_SENT_BYTES = 1 << 20;
    /** The largest report JSON accepted, after inflating. */
    public static final int MAX_JSON_BYTES = 10 << 20;
    /** How far a report's {@code end-datetime} may lie after the receiver's clock. */
    public static final Duration CLOCK_SKEW = Duration.ofHours(1);
    /** RFC 8460 §5.3: the header naming the policy domain the report is about. */
    public static final String DOMAIN_HEADER = "TLS-Report-Domain";
    /** RFC 8460 §5.3: the header naming the reporting organisation's domain. */
    public static final String SUBMITTER_HEADER = "TLS-Report-Submitter";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReceivedReports() {
    }

    /** The media types of a report part (RFC 8460 §5.3, registered in §6.4 and §6.5). */
    public enum Encoding {
        JSON("application/tlsrpt+json"),
        GZIP("application/tlsrpt+gzip");

        private final String mediaType;

        Encoding(String mediaType) {
            this.mediaType = mediaType;
        }

        public String mediaType() {
            return mediaType;
        }

        /** The encoding of a part with this {@code Content-Type} (parameters ignored, case-insensitive), if it is a report. */
        public static Optional<Encoding> ofContentType(String contentType) {
            if (contentType == null) {
                return Optional.empty();
            }
            int semicolon = contentType.indexOf(';');
            String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
            for (Encoding encoding : values()) {
                if (encoding.mediaType.equals(type)) {
                    return Optional.of(encoding);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * What a report says about our domains.
     *
     * @param report the whole report
     * @param ours its policies whose {@code policy-domain} is one of ours
     * @param otherDomains the {@code policy-domain} of the other policies, in report order, each once
     */
    public record Received(TlsReport report, List<PolicyReport> ours, List<String> otherDomains) {
        public Received {
            java.util.Objects.requireNonNull(report, "report");
            ours = List.copyOf(ours);
            otherDomains = List.copyOf(otherDomains);
        }

        /** A compact JSON summary: the report's identity and range, our policies in full, the other domains. */
        public String summaryJson() {
            ObjectNode root = NODES.objectNode();
            ObjectNode tree = TlsReportJson.toTree(report);
            root.set("organization-name", tree.get("organization-name"));
            root.set("date-range", tree.get("date-range"));
            root.set("contact-info", tree.get("contact-info"));
            root.set("report-id", tree.get("report-id"));
            ArrayNode policies = root.putArray("policies");
            ours.forEach(policy -> policies.add(TlsReportJson.policyReport(policy)));
            ArrayNode others = root.putArray("other-domains");
            otherDomains.forEach(others::add);
            return root.toString();
        }
    }

    /** Reads, parses and checks a report part, then keeps what concerns the domains {@code isOurs} accepts. */
    public static Received receive(InputStream part, Encoding encoding, Instant now, Predicate<String> isOurs)
        throws TlsReportFormatException, IOException {
        TlsReport report = TlsReportJson.parse(json(part, encoding));
        requireNotFuture(report.dateRange(), now);
        List<PolicyReport> ours = new ArrayList<>();
        Set<String> others = new LinkedHashSet<>();
        for (PolicyReport policy : report.policies()) {
            String domain = policy.policy().domain();
            if (isOurs.test(domain)) {
                ours.add(policy);
            } else {
                others.add(domain);
            }
        }
        return new Received(report, ours, List.copyOf(others));
    }

    /** The report's JSON text: the part read within {@link #MAX_SENT_BYTES}, inflated within {@link #MAX_JSON_BYTES}. */
    public static String json(InputStream part, Encoding encoding) throws TlsReportFormatException, IOException {
        byte[] sent = readAtMost(part, MAX_SENT_BYTES, "report part");
        byte[] json = encoding == Encoding.GZIP ? gunzip(sent) : sent;
        try {
            // RFC 8259 §8.1: JSON exchanged between systems is UTF-8
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json)).toString();
        } catch (CharacterCodingException e) {
            throw new TlsReportFormatException(Problem.NOT_JSON, "$", "not UTF-8");
        }
    }

    private static byte[] gunzip(byte[] compressed) throws TlsReportFormatException, IOException {
        try (InputStream inflated = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return readAtMost(inflated, MAX_JSON_BYTES, "inflated report");
        } catch (ZipException | java.io.EOFException e) {
            throw new TlsReportFormatException(Problem.NOT_GZIP, "$", "not gzip: " + e.getMessage());
        }
    }

    /** At most {@code limit} bytes of {@code in}; one more is {@link Problem#TOO_LARGE}, and nothing beyond it is read. */
    static byte[] readAtMost(InputStream in, int limit, String what) throws TlsReportFormatException, IOException {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new TlsReportFormatException(Problem.TOO_LARGE, "$", what + " larger than " + limit + " bytes");
        }
        return bytes;
    }

    /** Refuses a range that ends more than {@link #CLOCK_SKEW} after {@code now}. */
    public static void requireNotFuture(DateRange range, Instant now) throws TlsReportFormatException {
        if (range.end().isAfter(now.plus(CLOCK_SKEW))) {
            throw new TlsReportFormatException(Problem.FUTURE_DATE, "$.date-range.end-datetime",
                "ends " + range.end() + ", after now " + now + " plus " + CLOCK_SKEW.toMinutes() + " minutes");
        }
    }
}
