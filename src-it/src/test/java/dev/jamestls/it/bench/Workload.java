package dev.jamestls.it.bench;

import java.io.IOException;

/**
 * What one client of a configuration does: prepares its state before the
 * clock starts (e.g. opens its STARTTLS session), then repeats one timed
 * operation (one SMTP transaction, or one connection carrying one).
 */
interface Workload {

    /** One client's prepared state; {@link #once()} is timed, opening and closing are not. */
    interface Client extends AutoCloseable {
        void once() throws IOException;

        @Override
        void close() throws IOException;
    }

    Client prepare() throws IOException;
}
