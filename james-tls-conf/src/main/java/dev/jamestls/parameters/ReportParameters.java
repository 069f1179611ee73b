package dev.jamestls.parameters;

import java.util.List;

/** The init parameters of {@code ReceiveTlsReports}, declared once for the mailet and {@code check}. */
public final class ReportParameters {
    public static final String DEFAULT_MALFORMED_REPOSITORY = "file://var/mail/tls-reports-malformed/";

    public static final ParameterSpec<String> REPORT_PROCESSOR = ParameterSpec.optional("reportProcessor",
        ParameterSpec::processorName, ParameterSpec.PROCESSOR_FORMS,
        "processor that receives mail carrying an accepted TLS report; absent: the mail goes on").unsetWhenBlank();
    public static final ParameterSpec<String> MALFORMED_PROCESSOR = ParameterSpec.optional("malformedProcessor",
        ParameterSpec::processorName, ParameterSpec.PROCESSOR_FORMS,
        "processor that receives mail carrying a malformed TLS report, instead of malformedRepository").unsetWhenBlank();
    public static final ParameterSpec<String> MALFORMED_REPOSITORY = ParameterSpec.of("malformedRepository",
        DEFAULT_MALFORMED_REPOSITORY, InboundParameters::repositoryUrl, "a mail repository URL <protocol>://<path>, e.g. "
            + DEFAULT_MALFORMED_REPOSITORY, "mail repository that keeps mail carrying a malformed TLS report");

    public static final List<ParameterSpec<?>> ALL = List.of(REPORT_PROCESSOR, MALFORMED_PROCESSOR, MALFORMED_REPOSITORY);

    private ReportParameters() {
    }
}
