package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.outbound.RetrySchedule;
import dev.jamestls.parameters.ConfiguredParameters;
import dev.jamestls.parameters.DeliveryParameters;

/** TlsRemoteDelivery's init parameters, read without James: defaults, accepted values, and refusals that stand on their own. */
class DeliveryConfigurationTest {

    private static DeliveryConfiguration parse(String... keyValues) {
        Map<String, String> configured = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            configured.put(keyValues[i], keyValues[i + 1]);
        }
        return DeliveryConfiguration.parse(ConfiguredParameters.of(DeliveryConfiguration.COMPONENT, configured.keySet().iterator(),
            configured::get, DeliveryParameters.ALL));
    }

    @Test
    void withoutParametersEveryDefaultApplies() {
        DeliveryConfiguration configuration = parse();

        assertThat(configuration).isEqualTo(new DeliveryConfiguration("file://conf/tls-policy.xml", Optional.empty(),
            new RetrySchedule(List.of(Duration.ofHours(6)), 5), Optional.empty(), Optional.empty(), 4, Duration.ofSeconds(60),
            Duration.ofSeconds(180), ConnectionReuse.DEFAULT, "outgoing-tls", Optional.empty(),
            new DeliveryConfiguration.PublishedPolicies(Optional.empty(), Optional.empty(), Duration.ofSeconds(5),
                "file://var/jamestls/mta-sts/"), "file://var/jamestls/tlsrpt-counters.json",
            new DeliveryConfiguration.Reports(false, Optional.empty(), Optional.empty(), Optional.empty(),
                "file://var/jamestls/tlsrpt-sent.json", false)));
        assertThat(configuration.schedule()).isEqualTo(RetrySchedule.JAMES_DEFAULT);
    }

    static Stream<Arguments> acceptedValues() {
        return Stream.of(
            row("policyFile", "file://conf/partners.xml", DeliveryConfiguration::policyFile, "file://conf/partners.xml"),
            row("trustAnchors", "file://conf/cas.pem", DeliveryConfiguration::trustAnchors, Optional.of("file://conf/cas.pem")),
            row("dnssecResolver", "127.0.0.1:5353", c -> c.dns().resolver(), Optional.of(new java.net.InetSocketAddress("127.0.0.1", 5353))),
            row("dnssecResolver", "[::1]", c -> c.dns().resolver(), Optional.of(new java.net.InetSocketAddress("::1", 53))),
            row("dnssecResolver", "192.0.2.53", c -> c.dns().resolver(), Optional.of(new java.net.InetSocketAddress("192.0.2.53", 53))),
            row("dnssecTrustAnchor", "file://conf/root.key", c -> c.dns().trustAnchor(), Optional.of("file://conf/root.key")),
            row("dnsTimeout", "2 s", c -> c.dns().timeout(), Duration.ofSeconds(2)),
            row("mtaStsCache", "file://var/sts/", c -> c.dns().mtaStsCache(), "file://var/sts/"),
            row("tlsReportCounters", "file://var/tlsrpt.json", DeliveryConfiguration::tlsReportCounters, "file://var/tlsrpt.json"),
            row("tlsReports", "true", c -> c.reports().enabled(), true),
            row("tlsReportSender", "tlsrpt@example.com", c -> c.reports().sender(), Optional.of("tlsrpt@example.com")),
            row("tlsReportOrganization", "Example Ltd", c -> c.reports().organization(), Optional.of("Example Ltd")),
            row("tlsReportContact", "https://example.com/tls", c -> c.reports().contact(), Optional.of("https://example.com/tls")),
            row("tlsReportStore", "file://var/sent.json", c -> c.reports().store(), "file://var/sent.json"),
            row("tlsReportPrivateDestinations", "true", c -> c.reports().privateDestinations(), true),
            row("outgoingQueue", "outgoing.partners_2", DeliveryConfiguration::queueName, "outgoing.partners_2"),
            row("outgoingQueue", "", DeliveryConfiguration::queueName, "outgoing-tls"),
            row("delayTime", "5 minutes, 2*1 hour", configuration -> configuration.schedule().delays(),
                List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(1))),
            row("maxRetries", "0", configuration -> configuration.schedule().maxRetries(), 0),
            row("bounceProcessor", "bounces", DeliveryConfiguration::bounceProcessor, Optional.of("bounces")),
            row("bounceProcessor", "", DeliveryConfiguration::bounceProcessor, Optional.empty()),
            row("heloName", "mx.example.com", DeliveryConfiguration::heloName, Optional.of("mx.example.com")),
            row("heloName", " ", DeliveryConfiguration::heloName, Optional.empty()),
            row("deliveryThreads", "1", DeliveryConfiguration::threads, 1),
            row("connectionTimeout", "1500", DeliveryConfiguration::connectTimeout, Duration.ofMillis(1500)),
            row("timeout", "2500", DeliveryConfiguration::readTimeout, Duration.ofMillis(2500)),
            row("connectionPoolSize", "0", configuration -> configuration.reuse().enabled(), false),
            row("connectionsPerDestination", "9", configuration -> configuration.reuse().maxPerDestination(), 9),
            row("connectionIdleTimeout", "2 minutes", configuration -> configuration.reuse().idleTimeout(), Duration.ofMinutes(2)),
            row("connectionIdleTimeout", "750", configuration -> configuration.reuse().idleTimeout(), Duration.ofMillis(750)),
            row("connectionReuseMaxMessages", "0", configuration -> configuration.reuse().maxMessages(), 0),
            row("connectionReuseMaxMessages", "100", configuration -> configuration.reuse().maxMessages(), 100),
            row("connectionReuseMaxAge", "5 minutes", configuration -> configuration.reuse().maxAge(), Duration.ofMinutes(5)),
            row("connectionReuseMaxAge", "90 s", configuration -> configuration.reuse().maxAge(), Duration.ofSeconds(90)),
            row("connectionReuseMaxAge", "45000", configuration -> configuration.reuse().maxAge(), Duration.ofSeconds(45)));
    }

    private static Arguments row(String parameter, String value, Function<DeliveryConfiguration, Object> read, Object expected) {
        return Arguments.of(parameter, value, read, expected);
    }

    @ParameterizedTest(name = "{0}=''{1}''")
    @MethodSource("acceptedValues")
    void acceptedValueIsWhatTheMailetUses(String parameter, String value, Function<DeliveryConfiguration, Object> read, Object expected) {
        assertThat(read.apply(parse(parameter, value))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "empty policy file      | policyFile                | ''         | invalid policyFile '': empty; accepted: a file location James resolves, e.g. file://conf/tls-policy.xml",
        "empty anchor file      | trustAnchors              | ''         | invalid trustAnchors '': empty; accepted: a file location James resolves, e.g. file://conf/tls-policy.xml",
        "queue with a space     | outgoingQueue             | out going  | invalid outgoingQueue 'out going'; accepted: letters, digits, '.', '_', '-'",
        "unknown delay unit     | delayTime                 | 5 weeks    | invalid delayTime '5 weeks': delayTime entry '5 weeks': unknown unit 'weeks'; accepted: a comma-separated list of [count*]amount [unit], unit one of ms, msec, s, sec, second, seconds, m, minute, minutes, h, hour, hours, d, day, days (default ms); e.g. '5 minutes, 3*1 hour, 6 hours'",
        "more delays than tries | delayTime                 | 1 s, 2 s   | invalid delayTime '1 s, 2 s': delayTime lists 2 delays but maxRetries is 1; raise maxRetries or shorten delayTime; accepted: a comma-separated list of [count*]amount [unit], unit one of ms, msec, s, sec, second, seconds, m, minute, minutes, h, hour, hours, d, day, days (default ms); e.g. '5 minutes, 3*1 hour, 6 hours'",
        "negative retries       | maxRetries                | -1         | invalid maxRetries '-1': must be 0 or more; accepted: a whole number, 0 or more",
        "bounce processor colon | bounceProcessor           | a:b        | invalid bounceProcessor 'a:b'; accepted: letters, digits, '.', '_', '-'",
        "HELO not a domain      | heloName                  | mx_1.example | invalid heloName 'mx_1.example': not a domain name 'mx_1.example': character '_' is not allowed (letters, digits, hyphen; labels separated by dots); accepted: a domain name, e.g. mx.example.com",
        "no thread              | deliveryThreads           | 0          | invalid deliveryThreads '0': must be 1 or more; accepted: a whole number, 1 or more",
        "lenient number         | connectionTimeout         | 60s        | invalid connectionTimeout '60s': not a whole number; accepted: a whole number, 1 or more",
        "zero read timeout      | timeout                   | 0          | invalid timeout '0': must be 1 or more; accepted: a whole number, 1 or more",
        "negative pool          | connectionPoolSize        | -1         | invalid connectionPoolSize '-1': must be 0 or more; accepted: a whole number, 0 or more",
        "none per destination   | connectionsPerDestination | 0          | invalid connectionsPerDestination '0': must be 1 or more; accepted: a whole number, 1 or more",
        "idle timeout unit      | connectionIdleTimeout     | 30 fortnights | invalid connectionIdleTimeout '30 fortnights': '30 fortnights': unknown unit 'fortnights'; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "negative mail limit    | connectionReuseMaxMessages | -1        | invalid connectionReuseMaxMessages '-1': must be 0 or more; accepted: a whole number, 0 or more",
        "lenient mail limit     | connectionReuseMaxMessages | 10 mails  | invalid connectionReuseMaxMessages '10 mails': not a whole number; accepted: a whole number, 0 or more",
        "zero age limit         | connectionReuseMaxAge     | 0          | invalid connectionReuseMaxAge '0': '0' must be more than 0; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "age limit unit         | connectionReuseMaxAge     | 5 days     | invalid connectionReuseMaxAge '5 days': '5 days': unknown unit 'days'; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
        "key store type         | clientKeystoreType        | BKS        | invalid clientKeystoreType 'BKS': unknown key store type 'BKS'; accepted: PKCS12, JKS",
        "resolver by name       | dnssecResolver            | dns.example | invalid dnssecResolver 'dns.example': 'dns.example' is not an IP address; accepted: an IP address with an optional port, e.g. 127.0.0.1, 127.0.0.1:5353, [::1]:53",
        "resolver port          | dnssecResolver            | 127.0.0.1:0 | invalid dnssecResolver '127.0.0.1:0': port '0' of '127.0.0.1:0' is not 1-65535; accepted: an IP address with an optional port, e.g. 127.0.0.1, 127.0.0.1:5353, [::1]:53",
        "reports yes            | tlsReports                | yes        | invalid tlsReports 'yes'; accepted: true, false",
        "sender without domain  | tlsReportSender           | postmaster | invalid tlsReportSender 'postmaster': 'postmaster' is not a mail address; accepted: a mail address local@domain, e.g. tlsrpt@example.com",
        "sender domain          | tlsReportSender           | rpt@mx_1.example | invalid tlsReportSender 'rpt@mx_1.example': not a domain name 'mx_1.example': character '_' is not allowed (letters, digits, hyphen; labels separated by dots); accepted: a mail address local@domain, e.g. tlsrpt@example.com",
        "DNS timeout unit       | dnsTimeout                | soon       | invalid dnsTimeout 'soon': 'soon' is not a duration; accepted: amount [unit], unit one of ms, s, seconds, m, minutes, h, hours (default ms); e.g. '30 seconds'",
    })
    void badValueNamesTheMailetTheParameterTheValueAndTheAcceptedForms(String reason, String parameter, String value, String message) {
        String[] configured = parameter.equals("clientKeystoreType")
            ? new String[] {"clientKeystore", "file://conf/client.p12", parameter, value}
            : parameter.equals("delayTime") ? new String[] {"maxRetries", "1", parameter, value} : new String[] {parameter, value};

        assertThatThrownBy(() -> parse(configured)).as(reason)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("mailet TlsRemoteDelivery: " + message);
    }

    @Test
    void unknownParameterIsRefusedWithTheAcceptedNames() {
        assertThatThrownBy(() -> parse("connectionPool", "4"))
            .hasMessage("mailet TlsRemoteDelivery: unknown parameter connectionPool; accepted: bounceProcessor, clientCertificates, "
                + "clientKeystore, clientKeystoreType, clientPrivateKey, clientSecret, connectionIdleTimeout, connectionPoolSize, "
                + "connectionReuseMaxAge, connectionReuseMaxMessages, connectionTimeout, connectionsPerDestination, delayTime, deliveryThreads, dnsTimeout, dnssecResolver, "
                + "dnssecTrustAnchor, heloName, maxRetries, mtaStsCache, outgoingQueue, policyFile, timeout, tlsReportContact, "
                + "tlsReportCounters, tlsReportOrganization, tlsReportPrivateDestinations, tlsReportSender, tlsReportStore, tlsReports, "
                + "trustAnchors");
    }

    @Test
    void pemChainAndKeyMakeTheClientIdentity() {
        assertThat(parse("clientCertificates", "file://conf/client.pem", "clientPrivateKey", "file://conf/client.key").clientIdentity())
            .contains(new DeliveryConfiguration.PemFiles("file://conf/client.pem", "file://conf/client.key"));
    }

    @Test
    void keyStoreWithTypeAndSecretMakesTheClientIdentityAndHidesTheSecret() {
        Optional<DeliveryConfiguration.ClientIdentityFiles> identity = parse("clientKeystore", "file://conf/client.jks",
            "clientKeystoreType", "JKS", "clientSecret", "s3cret").clientIdentity();

        assertThat(identity).contains(new DeliveryConfiguration.KeyStoreFile("file://conf/client.jks", "JKS", "s3cret"));
        assertThat(identity.orElseThrow().toString()).doesNotContain("s3cret");
        assertThat(parse("clientKeystore", "file://conf/client.p12").clientIdentity())
            .contains(new DeliveryConfiguration.KeyStoreFile("file://conf/client.p12", "PKCS12", ""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "certificates without key | clientCertificates | file://conf/client.pem | clientPrivateKey | '' "
            + "| invalid clientPrivateKey ''; accepted: both clientCertificates with clientPrivateKey (PEM), or clientKeystore with clientSecret",
        "key without certificates | clientPrivateKey   | file://conf/client.key | clientSecret     | x  "
            + "| invalid clientKeystoreType ''; accepted: clientKeystoreType and clientSecret only with clientKeystore",
        "both forms               | clientKeystore     | file://conf/client.p12 | clientCertificates | file://conf/client.pem "
            + "| invalid clientKeystore 'file://conf/client.p12'; accepted: either clientCertificates with clientPrivateKey (PEM), "
            + "or clientKeystore with clientSecret, not both",
        "type without key store   | clientKeystoreType | JKS                    | heloName         | '' "
            + "| invalid clientKeystoreType 'JKS'; accepted: clientKeystoreType and clientSecret only with clientKeystore",
    })
    void clientIdentityParametersThatDoNotGoTogetherAreRefused(String reason, String first, String firstValue, String second,
                                                              String secondValue, String message) {
        assertThatThrownBy(() -> parse(first, firstValue, second, secondValue)).as(reason)
            .hasMessage("mailet TlsRemoteDelivery: " + message);
    }
}
