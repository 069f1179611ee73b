package dev.jamestls.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import dev.jamestls.admin.AdminException;
import dev.jamestls.admin.ServerChain;
import dev.jamestls.admin.TrustAnchors;
import dev.jamestls.revocation.EndpointResult;
import dev.jamestls.revocation.RevocationEndpoints;
import dev.jamestls.revocation.RevocationSettings;
import dev.jamestls.tls.CertificateFacts;

/** {@code revocation-check (--keystore FILE | --pem FILE | --james-conf DIR | --url URL...) [--timeout S] [--json]}. */
@Command(name = "revocation-check", mixinStandardHelpOptions = true,
    description = "Ask every CRL distribution point and OCSP responder of our chain (or the given CRL URLs) with short "
        + "timeouts; report per endpoint: reachable, HTTP status, time, CRL nextUpdate / OCSP status of our certificate.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every endpoint answered good", "1:an endpoint is unreachable, failing, stale, malformed, "
        + "or says revoked (or the chain does not load)", "2:usage error"})
final class RevocationCheckCommand extends CliCommand {
    static final String SCHEMA = "james-tls/revocation-check/v1";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @ArgGroup(exclusive = true)
        ChainInput chain;

        @Option(names = "--url", paramLabel = "URL", arity = "1..*",
            description = "CRL distribution point(s) to fetch directly (an OCSP request needs the chain)")
        List<String> urls;
    }

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
        description = "connect and read timeout per endpoint (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--trust-anchors", paramLabel = "PEM",
        description = "where to find the issuer of the top certificate (default: the JDK's trust store)")
    Path trustAnchors;

    @Option(names = "--json", description = "JSON document (schema " + SCHEMA + ")")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        checkTimeout(timeoutSeconds);
        RevocationEndpoints endpoints = new RevocationEndpoints(fetcher(Duration.ofSeconds(timeoutSeconds)), clock,
            RevocationSettings.DEFAULT);
        List<EndpointResult> results = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        try {
            if (source.urls != null) {
                source.urls.forEach(url -> results.add(endpoints.crl(url)));
                sources.add("--url");
            } else {
                TrustAnchors anchors = anchors(trustAnchors);
                for (ServerChain chain : source.chain.load()) {
                    sources.add(chain.source());
                    results.addAll(endpoints.check(chain.certificates(), anchors.certificates()));
                }
            }
        } catch (AdminException e) {
            return failed(e);
        }
        long failing = results.stream().filter(r -> !r.healthy()).count();
        if (json) {
            out.println(Json.pretty(json(sources, results, failing)));
        } else {
            sources.forEach(s -> out.println("chain: " + s));
            if (results.isEmpty()) {
                out.println("no CRL distribution point and no OCSP responder in the chain: nothing to check");
            } else {
                out.print(table(results).text(""));
                out.printf("%d endpoint%s: %d good, %d failing%n", results.size(), results.size() == 1 ? "" : "s",
                    results.size() - failing, failing);
            }
        }
        return failing > 0 ? JamesTlsCli.ERRORS : JamesTlsCli.CLEAN;
    }

    static TextTable table(List<EndpointResult> results) {
        TextTable table = new TextTable("TYPE", "CERTIFICATE", "URL", "RESULT", "HTTP", "TIME", "NEXT UPDATE", "DETAIL");
        for (EndpointResult result : results) {
            table.row(result.type().toString(), result.certificate().isEmpty() ? "" : CertificateFacts.commonName(result.certificate()),
                result.url(), result.outcome().toString(),
                result.httpStatus().isPresent() ? String.valueOf(result.httpStatus().getAsInt()) : "",
                result.elapsed().toMillis() + " ms", result.nextUpdate().map(Object::toString).orElse(""), result.detail());
        }
        return table;
    }

    private Map<String, Object> json(List<String> sources, List<EndpointResult> results, long failing) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("schema", SCHEMA);
        json.put("checkedAt", clock.instant());
        json.put("sources", sources);
        List<Object> endpoints = new ArrayList<>();
        for (EndpointResult result : results) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("type", result.type().toString());
            item.put("url", result.url());
            item.put("certificate", result.certificate().isEmpty() ? null : result.certificate());
            item.put("outcome", result.outcome().toString());
            item.put("reachable", result.httpStatus().isPresent());
            item.put("httpStatus", result.httpStatus().isPresent() ? result.httpStatus().getAsInt() : null);
            item.put("millis", result.elapsed().toMillis());
            item.put("nextUpdate", result.nextUpdate().orElse(null));
            item.put("detail", result.detail());
            endpoints.add(item);
        }
        json.put("endpoints", endpoints);
        json.put("failing", failing);
        return json;
    }
}
