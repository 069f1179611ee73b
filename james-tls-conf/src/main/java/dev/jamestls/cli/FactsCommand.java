package dev.jamestls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.jamestls.admin.AdminException;
import dev.jamestls.admin.ChainInspection;
import dev.jamestls.admin.ChainReport;
import dev.jamestls.admin.FactsWarning;
import dev.jamestls.admin.ServerChain;
import dev.jamestls.tls.CertificateFacts;

/** {@code facts (--keystore FILE [--alias A] | --pem FILE | --james-conf DIR) [--json | --markdown]}. */
@Command(name = "facts", mixinStandardHelpOptions = true,
    description = "Print the facts partners need to force TLS towards us (root issuer, subject, key, validity, "
        + "fingerprints, SPKI pin, CRL/OCSP URLs) and warn about what would make them fail.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:facts printed (warnings included unless --strict)", "1:the chain does not load, or --strict and warnings",
        "2:usage error"})
final class FactsCommand extends CliCommand {
    static final String SCHEMA = "james-tls/facts/v1";

    @ArgGroup(exclusive = true, multiplicity = "1")
    ChainInput input;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "JSON document (schema " + SCHEMA + ", docs/admin-tools.md)")
        boolean json;

        @Option(names = "--markdown", description = "Markdown tables ready to publish to partners; warnings go to stderr")
        boolean markdown;
    }

    @Option(names = "--hello-name", paramLabel = "NAME",
        description = "host name the leaf must cover (repeatable); adds to smtpserver.xml's helloName with --james-conf")
    List<String> helloNames = new ArrayList<>();

    @Option(names = "--trust-anchors", paramLabel = "PEM",
        description = "anchors partners trust, to decide whether the chain is complete (default: the JDK's trust store)")
    Path trustAnchors;

    @Option(names = "--strict", description = "exit 1 when there is any warning")
    boolean strict;

    @Override
    public Integer call() {
        PrintWriter out = out();
        List<ChainReport> reports = new ArrayList<>();
        try {
            ChainInspection inspection = new ChainInspection(clock, anchors(trustAnchors));
            for (ServerChain chain : input.load()) {
                reports.add(inspection.inspect(withExtraNames(chain)));
            }
        } catch (AdminException e) {
            return failed(e);
        }
        if (format.json) {
            out.println(Json.pretty(json(reports)));
        } else if (format.markdown) {
            reports.forEach(report -> out.print(markdown(report)));
            reports.forEach(report -> report.warnings().forEach(w -> err().println("warning: " + w.kind() + ": " + w.message())));
        } else {
            for (int i = 0; i < reports.size(); i++) {
                out.print((i == 0 ? "" : "\n") + text(reports.get(i)));
            }
        }
        boolean warned = reports.stream().anyMatch(r -> !r.warnings().isEmpty());
        return strict && warned ? JamesTlsCli.ERRORS : JamesTlsCli.CLEAN;
    }

    private ServerChain withExtraNames(ServerChain chain) {
        if (helloNames.isEmpty()) {
            return chain;
        }
        List<String> names = new ArrayList<>(chain.helloNames());
        helloNames.stream().filter(n -> !names.contains(n)).forEach(names::add);
        return chain.withHelloNames(names, "");
    }

    static String text(ChainReport report) {
        StringBuilder out = new StringBuilder();
        out.append(report.chain().purpose() == ServerChain.Purpose.CLIENT
            ? "Client certificate chain (outbound: presented when a destination asks for one)\n" : "Server certificate chain\n");
        out.append(String.format("  %-13s %s%n", "source", report.chain().source()));
        out.append(String.format("  %-13s %s%n", "root issuer", report.rootIssuer()));
        out.append(String.format("  %-13s %d%n", "certificates", report.facts().size()));
        out.append(String.format("  %-13s %s%n", "hello names",
            report.chain().helloNames().isEmpty() ? "-" : String.join(", ", report.chain().helloNames())));
        for (int i = 0; i < report.facts().size(); i++) {
            CertificateFacts facts = report.facts().get(i);
            out.append("\nCertificate ").append(i).append(" (").append(report.role(i)).append(")\n");
            out.append(FactsViews.table(facts).text("  "));
        }
        for (String note : report.chain().notes()) {
            out.append("\nnote: ").append(note).append('\n');
        }
        out.append('\n');
        if (report.warnings().isEmpty()) {
            out.append("Warnings: none\n");
        } else {
            out.append("Warnings (").append(report.warnings().size()).append(")\n");
            TextTable table = new TextTable("KIND", "CERTIFICATE", "MESSAGE");
            for (FactsWarning warning : report.warnings()) {
                table.row(warning.kind().spelling(), warning.certificate().isPresent()
                    ? warning.certificate().getAsInt() + " (" + report.role(warning.certificate().getAsInt()) + ")" : "chain",
                    warning.message());
            }
            out.append(table.text("  "));
        }
        return out.toString();
    }

    static String markdown(ChainReport report) {
        CertificateFacts leaf = report.facts().get(0);
        StringBuilder out = new StringBuilder();
        out.append(report.chain().purpose() == ServerChain.Purpose.CLIENT ? "## TLS client certificate of " : "## TLS certificate of ").append(String.join(", ", leaf.dnsNames().isEmpty()
            ? List.of(leaf.subjectCommonName()) : leaf.dnsNames())).append("\n\n");
        out.append(report.chain().purpose() == ServerChain.Purpose.CLIENT
            ? "We present this certificate when we deliver to you. To authenticate us, trust the root **"
            : "To force TLS towards us, trust the root **").append(report.rootIssuer()).append("** and expect the subject **")
            .append(leaf.subject()).append("**. Pin the SPKI `").append(leaf.spkiSha256()).append("` (SHA-256, base64).\n");
        for (int i = 0; i < report.facts().size(); i++) {
            out.append("\n### Certificate ").append(i).append(" (").append(report.role(i)).append(")\n\n");
            out.append(FactsViews.table(report.facts().get(i)).markdown());
        }
        return out.toString();
    }

    private Map<String, Object> json(List<ChainReport> reports) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("generatedAt", clock.instant());
        List<Object> chains = new ArrayList<>();
        for (ChainReport report : reports) {
            Map<String, Object> chain = new LinkedHashMap<>();
            chain.put("source", report.chain().source());
            chain.put("purpose", report.chain().purpose().spelling());
            chain.put("helloNames", report.chain().helloNames());
            chain.put("rootIssuer", report.rootIssuer());
            List<Object> certificates = new ArrayList<>();
            for (int i = 0; i < report.facts().size(); i++) {
                certificates.add(FactsViews.json(report.facts().get(i), i, report.role(i).toString()));
            }
            chain.put("certificates", certificates);
            List<Object> warnings = new ArrayList<>();
            for (FactsWarning warning : report.warnings()) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("kind", warning.kind().spelling());
                item.put("certificate", warning.certificate().isPresent() ? warning.certificate().getAsInt() : null);
                item.put("message", warning.message());
                warnings.add(item);
            }
            chain.put("warnings", warnings);
            chain.put("notes", report.chain().notes());
            chains.add(chain);
        }
        json.put("chains", chains);
        return json;
    }
}
