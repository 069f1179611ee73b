package dev.jamestls.james.webadmin;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.jamestls.james.ReportStores;
import dev.jamestls.tlsrpt.SentReportStore;
import spark.Service;

/**
 * {@code GET /jamestls/reports/sent}: the TLS reports (RFC 8460) this James made and where each one is, one JSON
 * object per report: {@code domain}, {@code day}, {@code report-id}, {@code created}, {@code phase}
 * ({@code looking-up}, {@code delivering}, {@code no-policy}, {@code gave-up}), {@code lookups}, {@code next},
 * {@code detail}, and {@code deliveries}, one per {@code rua} destination with its {@code uri}, {@code state}
 * ({@code pending}, {@code sent}, {@code gave-up}), {@code attempts}, {@code next}, {@code last} and {@code detail}.
 * An empty list when no {@code TlsRemoteDelivery} sends reports ({@code tlsReports} false).
 *
 * <pre>{@code
 * # webadmin.properties
 * extensions.routes=dev.jamestls.james.webadmin.SentReportsRoutes
 * }</pre>
 */
public class SentReportsRoutes implements Routes {
    public static final String BASE_PATH = "/jamestls/reports/sent";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    public SentReportsRoutes() {
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        // WebAdmin answers every route as application/json; Response.type is not called, so the route links against
        // James 3.9's WebAdmin as well.
        service.get(BASE_PATH, (request, response) -> json(ReportStores.all()));
    }

    /** The reports of {@code stores}, oldest first per store, without the reports' JSON. */
    static String json(List<SentReportStore> stores) throws JsonProcessingException {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        stores.forEach(store -> rows.addAll(SentReportStore.toTree(store.reports(), false)));
        return MAPPER.writeValueAsString(rows);
    }
}
