package dev.jamestls.tlsrpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * A report as it is sent (RFC 8460 §5): its JSON gzip-compressed ({@code application/tlsrpt+gzip}, §5.1, §6.5) under
 * the §5.1 file name {@code <submitter>!<policy-domain>!<begin>!<end>!<unique-id>.json.gz}, the times in seconds since
 * the epoch.
 *
 * @param policyDomain the domain the report is about
 * @param submitter the domain that sends it
 * @param reportId the report's {@code report-id}
 * @param filename the §5.1 file name
 * @param gzip the compressed JSON
 */
public record ReportFile(String policyDomain, String submitter, String reportId, String filename, byte[] gzip) {
    /** RFC 8460 §6.5: the media type of a gzip-compressed report. */
    public static final String MEDIA_TYPE = "application/tlsrpt+gzip";

    public ReportFile {
        Objects.requireNonNull(policyDomain, "policyDomain");
        Objects.requireNonNull(submitter, "submitter");
        Objects.requireNonNull(reportId, "reportId");
        Objects.requireNonNull(filename, "filename");
        gzip = gzip.clone();
    }

    @Override
    public byte[] gzip() {
        return gzip.clone();
    }

    /**
     * The report of {@code policyDomain} for {@code range} as sent by {@code reporter}.
     *
     * @param json the report's JSON as written by {@link TlsReportJson#write}
     */
    public static ReportFile of(Reporter reporter, String policyDomain, DateRange range, String reportId, String json) {
        String filename = reporter.submitter() + "!" + policyDomain + "!" + range.start().getEpochSecond() + "!"
            + range.end().getEpochSecond() + "!" + reporter.node() + ".json.gz";
        return new ReportFile(policyDomain, reporter.submitter(), reportId, filename, compress(json));
    }

    /** {@code json} in UTF-8 (RFC 8259 §8.1), gzip-compressed (RFC 1952, RFC 8460 §5.1). */
    static byte[] compress(String json) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e);
        }
        return bytes.toByteArray();
    }
}
