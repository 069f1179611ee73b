package dev.jamestls.james;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.jamestls.tlsrpt.SentReportStore;

/**
 * The stores of TLS reports being sent by the delivery mailets of this James, for WebAdmin: a mailet registers its
 * store at {@code init()} and withdraws it at {@code destroy()}. James creates mailets and WebAdmin routes apart,
 * so they meet here.
 */
public final class ReportStores {
    private static final List<SentReportStore> STORES = new CopyOnWriteArrayList<>();

    private ReportStores() {
    }

    public static void register(SentReportStore store) {
        STORES.add(store);
    }

    public static void withdraw(SentReportStore store) {
        STORES.remove(store);
    }

    /** The stores registered now. */
    public static List<SentReportStore> all() {
        return List.copyOf(STORES);
    }
}
