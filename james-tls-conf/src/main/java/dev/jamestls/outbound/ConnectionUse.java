package dev.jamestls.outbound;

import java.time.Instant;
import java.util.Objects;

/**
 * How much an open connection has been used: when it was opened and how many mails it carried. The
 * pool compares it with {@link ConnectionReuse#maxMessages()} and {@link ConnectionReuse#maxAge()}.
 *
 * @param opened when the connection was opened
 * @param mails mail transactions it carried, 1 or more
 */
public record ConnectionUse(Instant opened, int mails) {
    public ConnectionUse {
        Objects.requireNonNull(opened, "opened");
        if (mails < 1) {
            throw new IllegalArgumentException("a kept connection carried at least one mail: " + mails);
        }
    }

    /** A connection opened at {@code opened} that carried its first mail. */
    public static ConnectionUse first(Instant opened) {
        return new ConnectionUse(opened, 1);
    }

    /** The same connection after one more mail. */
    public ConnectionUse nextMail() {
        return new ConnectionUse(opened, mails + 1);
    }
}
