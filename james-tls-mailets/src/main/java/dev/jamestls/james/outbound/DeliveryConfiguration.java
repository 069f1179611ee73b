package dev.jamestls.james.outbound;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.DeliveryParameters;

/**
 * What {@code TlsRemoteDelivery} is configured to do, read from its init parameters
 * ({@link DeliveryParameters}, the same declarations {@code check} validates with). File locations stay as
 * configured: James's file system resolves them when the mailet opens them.
 *
 * @param policyFile the TLS policy's location
 * @param trustAnchors the location of the CAs outbound certificates are verified against; empty: the JDK's
 * @param schedule retry delays and how many retries
 * @param bounceProcessor where undeliverable mail goes; empty: a DSN to the sender
 * @param heloName the name announced in EHLO and DSNs; empty: the local host name
 * @param threads mails delivered at once
 * @param connectTimeout how long an attempt waits for the connection
 * @param readTimeout how long an attempt waits for each reply
 * @param reuse connection reuse limits
 * @param queueName the outgoing queue
 * @param clientIdentity our client certificate's files; empty: none is presented
 * @param dns where DNSSEC-validated questions go, and the MTA-STS policy cache
 * @param tlsReportCounters the location of the file the TLS report counts are kept in
 * @param reports whether and how the daily TLS reports are sent
 */
public record DeliveryConfiguration(String policyFile, Optional<String> trustAnchors, RetrySchedule schedule,
                                    Optional<String> bounceProcessor, Optional<String> heloName, int threads,
                                    Duration connectTimeout, Duration readTimeout, ConnectionReuse reuse, String queueName,
                                    Optional<ClientIdentityFiles> clientIdentity, PublishedPolicies dns,
                                    String tlsReportCounters, Reports reports) {

    /**
     * Sending the daily TLS reports (RFC 8460).
     *
     * @param enabled whether they are sent
     * @param sender the report mails' sender; empty: James's postmaster
     * @param organization {@code organization-name}; empty: the submitter domain
     * @param contact {@code contact-info}; empty: the sender
     * @param store the location of the file of reports made and sent
     * @param privateDestinations whether https: destinations on internal addresses or other ports than 443 are posted to
     */
    public record Reports(boolean enabled, Optional<String> sender, Optional<String> organization, Optional<String> contact,
                          String store, boolean privateDestinations) {
    }

    /**
     * How destinations' published policies are looked up (DANE, MTA-STS).
     *
     * @param resolver the recursive resolver; empty: the system's first name server
     * @param trustAnchor the DNSSEC trust anchor file; empty: the IANA root keys
     * @param timeout the bound of one validated lookup
     * @param mtaStsCache the directory of the MTA-STS policy cache
     */
    public record PublishedPolicies(Optional<InetSocketAddress> resolver, Optional<String> trustAnchor, Duration timeout,
                                    String mtaStsCache) {
    }

    /** How a refused parameter names the mailet. */
    public static final String COMPONENT = "mailet TlsRemoteDelivery";
    private static final String PEM_FORM = "clientCertificates with clientPrivateKey (PEM), or clientKeystore with clientSecret";

    /** Where our client certificate and key are read from (Postfix {@code smtp_tls_chain_files}). */
    public sealed interface ClientIdentityFiles {
        /** The parameter that names the identity, for messages. */
        String parameter();

        /** The location that parameter holds. */
        String location();
    }

    /** A PEM chain and its key. */
    public record PemFiles(String certificates, String privateKey) implements ClientIdentityFiles {
        @Override
        public String parameter() {
            return DeliveryParameters.CLIENT_CERTIFICATES.name();
        }

        @Override
        public String location() {
            return certificates;
        }
    }

    /** A key store with its type and password; the password never appears in {@link #toString()}. */
    public record KeyStoreFile(String store, String type, String secret) implements ClientIdentityFiles {
        @Override
        public String parameter() {
            return DeliveryParameters.CLIENT_KEYSTORE.name();
        }

        @Override
        public String location() {
            return store;
        }

        @Override
        public String toString() {
            return "KeyStoreFile[store=" + store + ", type=" + type + "]";
        }
    }

    /**
     * @throws IllegalArgumentException {@code mailet TlsRemoteDelivery: invalid <parameter> '<value>': ...; accepted: ...}
     */
    public static DeliveryConfiguration parse(ConfiguredParameters parameters) {
        int maxRetries = parameters.value(DeliveryParameters.MAX_RETRIES);
        List<Duration> delays = parameters.value(DeliveryParameters.DELAY_TIME);
        RetrySchedule schedule;
        try {
            schedule = new RetrySchedule(delays, maxRetries);
        } catch (IllegalArgumentException e) {
            throw parameters.invalid(DeliveryParameters.DELAY_TIME, parameters.text(DeliveryParameters.DELAY_TIME)
                .orElse(DeliveryParameters.DELAY_TIME.defaultValue().orElseThrow()), e.getMessage());
        }
        ConnectionReuse reuse = new ConnectionReuse(parameters.value(DeliveryParameters.CONNECTION_POOL_SIZE),
            parameters.value(DeliveryParameters.CONNECTIONS_PER_DESTINATION), parameters.value(DeliveryParameters.CONNECTION_IDLE_TIMEOUT),
            parameters.value(DeliveryParameters.CONNECTION_REUSE_MAX_MESSAGES), parameters.value(DeliveryParameters.CONNECTION_REUSE_MAX_AGE));
        return new DeliveryConfiguration(parameters.value(DeliveryParameters.POLICY_FILE),
            parameters.optional(DeliveryParameters.TRUST_ANCHORS), schedule, parameters.optional(DeliveryParameters.BOUNCE_PROCESSOR),
            parameters.optional(DeliveryParameters.HELO_NAME), parameters.value(DeliveryParameters.DELIVERY_THREADS),
            Duration.ofMillis(parameters.value(DeliveryParameters.CONNECTION_TIMEOUT)),
            Duration.ofMillis(parameters.value(DeliveryParameters.TIMEOUT)), reuse,
            parameters.value(DeliveryParameters.OUTGOING_QUEUE), clientIdentity(parameters),
            new PublishedPolicies(parameters.optional(DeliveryParameters.DNSSEC_RESOLVER),
                parameters.optional(DeliveryParameters.DNSSEC_TRUST_ANCHOR), parameters.value(DeliveryParameters.DNS_TIMEOUT),
                parameters.value(DeliveryParameters.MTA_STS_CACHE)),
            parameters.value(DeliveryParameters.TLS_REPORT_COUNTERS),
            new Reports(parameters.value(DeliveryParameters.TLS_REPORTS), parameters.optional(DeliveryParameters.TLS_REPORT_SENDER),
                parameters.optional(DeliveryParameters.TLS_REPORT_ORGANIZATION), parameters.optional(DeliveryParameters.TLS_REPORT_CONTACT),
                parameters.value(DeliveryParameters.TLS_REPORT_STORE),
                parameters.value(DeliveryParameters.TLS_REPORT_PRIVATE_DESTINATIONS)));
    }

    private static Optional<ClientIdentityFiles> clientIdentity(ConfiguredParameters parameters) {
        Optional<String> certificates = parameters.optional(DeliveryParameters.CLIENT_CERTIFICATES);
        Optional<String> key = parameters.optional(DeliveryParameters.CLIENT_PRIVATE_KEY);
        Optional<String> keystore = parameters.optional(DeliveryParameters.CLIENT_KEYSTORE);
        String type = parameters.value(DeliveryParameters.CLIENT_KEYSTORE_TYPE);
        if (keystore.isPresent() && (certificates.isPresent() || key.isPresent())) {
            throw parameters.invalid(DeliveryParameters.CLIENT_KEYSTORE.name(), keystore.get(), "either " + PEM_FORM + ", not both");
        }
        boolean storeDetails = parameters.text(DeliveryParameters.CLIENT_KEYSTORE_TYPE).isPresent()
            || parameters.text(DeliveryParameters.CLIENT_SECRET).isPresent();
        if (keystore.isEmpty() && storeDetails) {
            throw parameters.invalid(DeliveryParameters.CLIENT_KEYSTORE_TYPE.name(),
                parameters.text(DeliveryParameters.CLIENT_KEYSTORE_TYPE).orElse(""),
                "clientKeystoreType and clientSecret only with clientKeystore");
        }
        if (certificates.isPresent() != key.isPresent()) {
            String missing = certificates.isPresent() ? DeliveryParameters.CLIENT_PRIVATE_KEY.name()
                : DeliveryParameters.CLIENT_CERTIFICATES.name();
            throw parameters.invalid(missing, "", "both " + PEM_FORM);
        }
        if (keystore.isPresent()) {
            return Optional.of(new KeyStoreFile(keystore.get(), type, parameters.optional(DeliveryParameters.CLIENT_SECRET).orElse("")));
        }
        return certificates.map(chain -> new PemFiles(chain, key.orElseThrow()));
    }
}
