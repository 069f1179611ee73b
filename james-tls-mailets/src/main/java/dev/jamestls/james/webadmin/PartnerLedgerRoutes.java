package dev.jamestls.james.webadmin;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;

import dev.jamestls.james.ledger.SharedLedger;
import dev.jamestls.ledger.LedgerJson;
import dev.jamestls.ledger.LedgerText;
import dev.jamestls.ledger.PartnerLedger;
import dev.jamestls.ledger.ReceivedReport;
import spark.Request;
import spark.Service;

/**
 * The per-partner TLS ledger over WebAdmin ({@code docs/ledger.md} has the fields and curl examples):
 *
 * <ul>
 *   <li>{@code GET /jamestls/partners}: every partner, most recently seen first;</li>
 *   <li>{@code GET /jamestls/partners/{domain}}: one partner, {@code 404} when the ledger does not hold it;</li>
 *   <li>{@code GET /jamestls/reports/received[?partner=DOMAIN]}: the TLS reports received, newest first.</li>
 * </ul>
 *
 * Enable it in {@code conf/webadmin.properties} (several classes are separated by commas):
 *
 * <pre>
 * extensions.routes=dev.jamestls.james.webadmin.PartnerLedgerRoutes
 * </pre>
 */
public class PartnerLedgerRoutes implements Routes {
    public static final String BASE_PATH = "/jamestls";
    public static final String PARTNERS = BASE_PATH + "/partners";
    public static final String RECEIVED_REPORTS = BASE_PATH + "/reports/received";
    private static final String JSON = "application/json";

    private final PartnerLedger ledger;
    private final JsonTransformer json;
    private final Clock clock;

    @Inject
    public PartnerLedgerRoutes(SharedLedger ledger, JsonTransformer json) {
        this(ledger.ledger(), json, Clock.systemUTC());
    }

    PartnerLedgerRoutes(PartnerLedger ledger, JsonTransformer json, Clock clock) {
        this.ledger = ledger;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PARTNERS, (request, response) -> {
            response.type(JSON);
            return LedgerJson.partners(ledger.partners(), Optional.of(clock.instant()));
        }, json);
        service.get(PARTNERS + "/:domain", (request, response) -> {
            String domain = request.params("domain");
            response.type(JSON);
            return ledger.partner(domain)
                .map(partner -> LedgerJson.partner(partner, Optional.of(clock.instant())))
                .orElseThrow(() -> ErrorResponder.builder()
                    .statusCode(404)
                    .type(ErrorResponder.ErrorType.NOT_FOUND)
                    .message("The TLS ledger holds no partner '%s'", LedgerText.of(domain))
                    .haltError());
        }, json);
        service.get(RECEIVED_REPORTS, (request, response) -> {
            response.type(JSON);
            return LedgerJson.reports(received(request));
        }, json);
    }

    private List<ReceivedReport> received(Request request) {
        String partner = request.queryParams("partner");
        if (partner == null) {
            return ledger.receivedReports();
        }
        String wanted = LedgerText.of(partner.toLowerCase(Locale.ROOT));
        return ledger.receivedReports().stream().filter(report -> report.partner().equals(wanted)).toList();
    }
}
