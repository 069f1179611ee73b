/**
 * SMTP TLS reporting (RFC 8460): the report model, its JSON writer and strict parser, and the daily counters of
 * outbound TLS attempts a report is made from, kept across restarts in a file; sending reports; and receiving
 * reports.
 *
 * <ul>
 *   <li>{@link dev.jamestls.tlsrpt.TlsReport} and its parts mirror the JSON of RFC 8460 §4.4 field for field;</li>
 *   <li>{@link dev.jamestls.tlsrpt.TlsReportJson} writes a report and parses one strictly (typed errors,
 *       {@link dev.jamestls.tlsrpt.TlsReportFormatException});</li>
 *   <li>{@link dev.jamestls.tlsrpt.TlsReportCounters} counts attempts per policy domain, UTC day and policy
 *       (RFC 8460 §4.1, §4.4), with a bound on the failure-detail rows it keeps;</li>
 *   <li>{@link dev.jamestls.tlsrpt.CounterFile} keeps the counters in a file, written atomically;
 *       {@link dev.jamestls.tlsrpt.KeptCounters} holds the counters of one node with their file, old days let go;</li>
 *   <li>sending (§3, §5): {@link dev.jamestls.tlsrpt.TlsRptRecord} parses a domain's {@code _smtp._tls} record and
 *       {@link dev.jamestls.tlsrpt.Discovery} chooses among a lookup's records; {@link dev.jamestls.tlsrpt.Reporter}
 *       makes a day's report, {@link dev.jamestls.tlsrpt.ReportFile} its gzip body and §5.1 file name;
 *       {@link dev.jamestls.tlsrpt.ReportSending} runs the rounds, {@link dev.jamestls.tlsrpt.SentReportStore} keeps
 *       each {@link dev.jamestls.tlsrpt.OutgoingReport} across restarts, {@link dev.jamestls.tlsrpt.ReportRetry}
 *       bounds the retries, {@link dev.jamestls.tlsrpt.HttpsReportPoster} POSTs (§5.4);</li>
 *   <li>{@link dev.jamestls.tlsrpt.ReceivedReports} reads reports other servers send us (RFC 8460 §5.3): which MIME
 *       parts are reports, bounded reading and inflating, future date ranges, which policies are about our
 *       domains.</li>
 * </ul>
 */
package dev.jamestls.tlsrpt;
