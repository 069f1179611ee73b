package dev.jamestls.james.outbound;

import java.io.IOException;
import java.net.ProxySelector;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.james.filesystem.api.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamestls.dns.DnssecTrustAnchor;
import dev.jamestls.dns.SecureDns;
import dev.jamestls.dns.ValidatingDns;
import dev.jamestls.james.JamesParameters;
import dev.jamestls.mtasts.CachingStsPolicySource;
import dev.jamestls.mtasts.HttpsStsFetcher;
import dev.jamestls.mtasts.StsFetchResult;
import dev.jamestls.mtasts.StsPolicyFetcher;
import dev.jamestls.mtasts.StsPolicySource;
import dev.jamestls.mtasts.StsTxtLookup;
import dev.jamestls.policy.DomainName;
import dev.jamestls.james.PolicyRegistry;
import dev.jamestls.outbound.ReloadingClientIdentity;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.DeliveryParameters;
import dev.jamestls.policy.TrustAnchorFile;
import dev.jamestls.policy.file.ReloadingPolicy;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tlsrpt.CounterFile;
import dev.jamestls.tlsrpt.KeptCounters;
import dev.jamestls.verify.JdkTrustAnchors;

/**
 * The files a delivery mailet reads, opened once at {@code init()}: the shared live policy, the trust anchors
 * (re-read by the policy's watcher when they change) and our client identity (re-read when its files change).
 * {@link #close()} releases the policy.
 */
public final class DeliveryResources implements AutoCloseable {
    /** How often the client identity's files are compared with what was loaded (content digest). */
    static final Duration IDENTITY_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** How many UTC days of TLS report counts are kept, today included: a day's report is sent the day after (RFC 8460 §4.1). */
    public static final int KEPT_REPORT_DAYS = 3;
    private static final Logger LOGGER = LoggerFactory.getLogger("dev.jamestls.outbound");

    private final Path policyFile;
    private final ReloadingPolicy policy;
    private final Supplier<List<X509Certificate>> anchors;
    private final Optional<ReloadingClientIdentity> identity;
    private final Optional<SecureDns> secureDns;

    private DeliveryResources(Path policyFile, ReloadingPolicy policy, Supplier<List<X509Certificate>> anchors,
                              Optional<ReloadingClientIdentity> identity, Optional<SecureDns> secureDns) {
        this.policyFile = policyFile;
        this.policy = policy;
        this.anchors = anchors;
        this.identity = identity;
        this.secureDns = secureDns;
    }

    /**
     * @throws IllegalArgumentException naming the mailet, the parameter, the value and what was expected
     */
    public static DeliveryResources open(DeliveryConfiguration configuration, FileSystem fileSystem, Clock clock) {
        Path policyFile = file(fileSystem, DeliveryParameters.POLICY_FILE.name(), configuration.policyFile());
        Optional<Path> anchorFile = configuration.trustAnchors()
            .map(location -> file(fileSystem, DeliveryParameters.TRUST_ANCHORS.name(), location));
        ReloadingPolicy policy;
        try {
            policy = PolicyRegistry.policy(policyFile);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(DeliveryConfiguration.COMPONENT + ": " + e.getMessage(), e);
        }
        try {
            Supplier<List<X509Certificate>> anchors = anchorFile.isPresent() ? anchors(policy, anchorFile.get()) : jdkAnchors();
            Optional<ReloadingClientIdentity> identity = configuration.clientIdentity().map(files -> identity(fileSystem, files, clock));
            return new DeliveryResources(policyFile, policy, anchors, identity, secureDns(configuration.dns(), fileSystem, clock));
        } catch (RuntimeException e) {
            PolicyRegistry.release(policyFile);
            throw e;
        }
    }

    public ReloadingPolicy policy() {
        return policy;
    }

    /** The trust anchors as they are now. */
    public List<X509Certificate> anchors() {
        return anchors.get();
    }

    /**
     * DNSSEC-validated lookups (levels {@code dane}, {@code dane-only}; MTA-STS discovery); empty when no resolver is
     * configured and the system names none (DANE then defers: nothing can be validated).
     */
    public Optional<SecureDns> secureDns() {
        return secureDns;
    }

    /** Our client identity as it is now, if one is configured. */
    public Optional<ClientIdentity> clientIdentity() {
        return identity.map(ReloadingClientIdentity::current);
    }

    @Override
    public void close() {
        // The registry counts users: the file watcher stops with the last one.
        PolicyRegistry.release(policyFile);
    }

    private static Path file(FileSystem fileSystem, String parameter, String location) {
        return JamesParameters.resolve(fileSystem, DeliveryConfiguration.COMPONENT, parameter, location);
    }

    /** The anchor file, watched by the policy's checks: its current content at every delivery attempt. */
    private static Supplier<List<X509Certificate>> anchors(ReloadingPolicy policy, Path file) {
        try {
            Supplier<TrustAnchorFile> anchors = policy.watchAnchors(file);
            return () -> anchors.get().certificates();
        } catch (IllegalArgumentException e) {
            throw refusal(DeliveryParameters.TRUST_ANCHORS.name(), file.toString(), "a PEM file with at least one certificate");
        } catch (IOException e) {
            throw refusal(DeliveryParameters.TRUST_ANCHORS.name(), file.toString(),
                "a readable PEM file of certificates (" + e.getMessage() + ")");
        }
    }

    /**
     * The validating resolver: built at once (no question is asked before a delivery needs one), so a bad trust anchor
     * file fails {@code init()} rather than a delivery.
     */
    private static Optional<SecureDns> secureDns(DeliveryConfiguration.PublishedPolicies settings, FileSystem fileSystem, Clock clock) {
        ValidatingDns.Builder builder = ValidatingDns.builder().queryTimeout(settings.timeout())
            .totalTimeout(settings.timeout().multipliedBy(4)).clock(clock);
        settings.resolver().ifPresent(builder::resolver);
        settings.trustAnchor().ifPresent(location -> {
            Path path = file(fileSystem, DeliveryParameters.DNSSEC_TRUST_ANCHOR.name(), location);
            try {
                builder.trustAnchor(DnssecTrustAnchor.read(path));
            } catch (IllegalArgumentException e) {
                throw refusal(DeliveryParameters.DNSSEC_TRUST_ANCHOR.name(), location, "DS or DNSKEY records in zone file format ("
                    + e.getMessage() + ")");
            }
        });
        try {
            return Optional.of(builder.build());
        } catch (IllegalStateException e) {
            LOGGER.warn("outbound-tls: no DNS resolver for DNSSEC: set {}; levels dane and dane-only defer every mail until then",
                DeliveryParameters.DNSSEC_RESOLVER.name());
            return Optional.empty();
        }
    }

    /**
     * MTA-STS discovery (RFC 8461): the TXT record through the validating resolver, the policy over HTTPS validated
     * with the delivery's trust anchors (the JDK's by default: WebPKI), the cache in {@code mtaStsCache}. Empty when
     * there is no resolver to ask.
     */
    public Optional<StsPolicySource> mtaSts(DeliveryConfiguration configuration, FileSystem fileSystem, ProxySelector route,
                                            Clock clock) {
        if (secureDns.isEmpty()) {
            return Optional.empty();
        }
        SecureDns dns = secureDns.get();
        Path directory = file(fileSystem, DeliveryParameters.MTA_STS_CACHE.name(), configuration.dns().mtaStsCache());
        StsPolicyFetcher fetcher = new AnchoredFetcher(anchors, configuration.connectTimeout(), route, clock);
        try {
            return Optional.of(new CachingStsPolicySource(domain -> dns.txt(StsTxtLookup.LABEL, domain), fetcher, directory, clock));
        } catch (IllegalArgumentException e) {
            throw refusal(DeliveryParameters.MTA_STS_CACHE.name(), configuration.dns().mtaStsCache(),
                "a directory James may create and write (" + e.getMessage() + ")");
        }
    }

    /** The TLS report counters kept in {@code tlsReportCounters}, read back now: empty when there is no file yet. */
    public static KeptCounters reportCounters(DeliveryConfiguration configuration, FileSystem fileSystem, Clock clock) {
        Path path = file(fileSystem, DeliveryParameters.TLS_REPORT_COUNTERS.name(), configuration.tlsReportCounters());
        return KeptCounters.load(new CounterFile(path, clock, KEPT_REPORT_DAYS), clock, KEPT_REPORT_DAYS);
    }

    /** Policy fetches validated with the trust anchors in force: a new HTTPS client only when they change. */
    private static final class AnchoredFetcher implements StsPolicyFetcher {
        private final Anchored<HttpsStsFetcher> fetcher;

        AnchoredFetcher(Supplier<List<X509Certificate>> anchors, Duration connectTimeout, ProxySelector route, Clock clock) {
            this.fetcher = new Anchored<>(anchors, now -> HttpsStsFetcher.trusting(now, connectTimeout, route, clock));
        }

        @Override
        public StsFetchResult fetch(DomainName domain, String id) {
            return fetcher.get().fetch(domain, id);
        }
    }

    /** The JDK's anchors as the JVM has them when the mailet starts. */
    private static Supplier<List<X509Certificate>> jdkAnchors() {
        List<X509Certificate> anchors = JdkTrustAnchors.certificates();
        return () -> anchors;
    }

    /**
     * The default client identity (Postfix {@code smtp_tls_chain_files}): PEM chain + key, or a key store;
     * read again when the files' content changes. Findings that make partners refuse it are logged, not fatal:
     * destinations that ask for no certificate still get mail.
     */
    private static ReloadingClientIdentity identity(FileSystem fileSystem, DeliveryConfiguration.ClientIdentityFiles files,
                                                    Clock clock) {
        ReloadingClientIdentity reloading;
        if (files instanceof DeliveryConfiguration.KeyStoreFile store) {
            Path path = file(fileSystem, store.parameter(), store.store());
            char[] secret = store.secret().toCharArray();
            reloading = loaded(files, () -> new ReloadingClientIdentity(List.of(path),
                () -> ClientIdentity.fromKeyStore(path, store.type(), secret, Optional.empty()), clock, IDENTITY_CHECK_INTERVAL));
        } else {
            DeliveryConfiguration.PemFiles pem = (DeliveryConfiguration.PemFiles) files;
            Path chain = file(fileSystem, DeliveryParameters.CLIENT_CERTIFICATES.name(), pem.certificates());
            Path keyFile = file(fileSystem, DeliveryParameters.CLIENT_PRIVATE_KEY.name(), pem.privateKey());
            reloading = loaded(files, () -> new ReloadingClientIdentity(List.of(keyFile, chain),
                () -> ClientIdentity.fromPem(keyFile, chain), clock, IDENTITY_CHECK_INTERVAL));
        }
        ClientIdentity identity = reloading.current();
        LOGGER.info("outbound-tls client identity: {}", identity.describe());
        identity.findings(clock.instant()).forEach(finding -> LOGGER.warn("outbound-tls client identity: {}: {}",
            finding.kind().spelling(), finding.message()));
        return reloading;
    }

    private static ReloadingClientIdentity loaded(DeliveryConfiguration.ClientIdentityFiles files,
                                                  Supplier<ReloadingClientIdentity> load) {
        try {
            return load.get();
        } catch (IllegalArgumentException e) {
            throw refusal(files.parameter(), files.location(), "a client identity that loads (" + e.getMessage() + ")");
        }
    }

    private static IllegalArgumentException refusal(String parameter, String value, String accepted) {
        return ConfiguredParameters.refusal(DeliveryConfiguration.COMPONENT, parameter, value, accepted);
    }
}
