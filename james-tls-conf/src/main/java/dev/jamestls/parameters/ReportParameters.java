package dev.jamestls.parameters;

import java.util.List;

/** The init parameters of {@code ReceiveTlsReports}, declared once for the mailet and {@code check}. */
public final class ReportParameters {
    public static final String DEFAULT_MALFORMED_REPOSITORY = "file://var/mail/tls-reports-malformed/";

    public static final ParameterSpec<String> REPORT_PROCESSOR = ParameterSpec.processor("reportProcessor",
        "processor that receives mail carrying an accepted TLS report; absent: the mail goes on");
    public static final ParameterSpec<String> MALFORMED_PROCESSOR = ParameterSpec.processor("malformedProcessor",
        "processor that receives mail carrying a malformed TLS report, instead of malformedRepository");
    public static final ParameterSpec<String> MALFORMED_REPOSITORY = ParameterSpec.repository("malformedRepository",
        DEFAULT_MALFORMED_REPOSITORY, "mail repository that keeps mail carrying a malformed TLS report");

    public static final List<ParameterSpec<?>> ALL = List.of(REPORT_PROCESSOR, MALFORMED_PROCESSOR, MALFORMED_REPOSITORY);

    private ReportParameters() {
    }
}
