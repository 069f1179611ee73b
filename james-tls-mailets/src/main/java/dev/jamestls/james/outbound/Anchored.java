package dev.jamestls.james.outbound;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Something built from the trust anchors in force (an HTTPS client), built again only when they change (the anchor file
 * is re-read by the policy's watcher).
 *
 * @param <T> what is built
 */
final class Anchored<T> {
    private final Supplier<List<X509Certificate>> anchors;
    private final Function<List<X509Certificate>, T> build;
    private List<X509Certificate> current;
    private T built;

    Anchored(Supplier<List<X509Certificate>> anchors, Function<List<X509Certificate>, T> build) {
        this.anchors = Objects.requireNonNull(anchors, "anchors");
        this.build = Objects.requireNonNull(build, "build");
    }

    synchronized T get() {
        List<X509Certificate> now = anchors.get();
        if (built == null || !now.equals(current)) {
            current = now;
            built = build.apply(now);
        }
        return built;
    }
}
