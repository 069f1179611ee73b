package dev.jamestls.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.jamestls.revocation.HttpFetcher;
import dev.jamestls.revocation.OcspResponseVerifier;
import dev.jamestls.revocation.OcspVerdict;
import dev.jamestls.revocation.RevocationCache;
import dev.jamestls.revocation.RevocationChecker;
import dev.jamestls.revocation.RevocationChecking;
import dev.jamestls.revocation.RevocationSettings;

/**
 * Runs the verification core over NIST PKITS and the BoringSSL CRL/OCSP vectors, next to the JDK's own
 * validator, and checks that the deviations are exactly those documented in docs/conformance.md.
 */
class ConformanceTest {
    private static final Path DATA = TestData.sharedTestdata();
    /**
     * Cases run and cases passed per suite, as docs/conformance.md states them: a vector file or directory that goes
     * missing, or an expectations file that lists fewer cases, fails the build instead of running fewer cases.
     */
    static final Figures PKITS = new Figures("NIST PKITS", 249, 246);
    static final Figures CRL = new Figures("BoringSSL CRL vectors", 66, 49);
    static final Figures OCSP = new Figures("BoringSSL OCSP vectors", 36, 35);

    record Figures(String suite, int cases, int passed) {
        void check(int total, Set<String> deviations) {
            assertThat(total).as(suite + ": cases run").isEqualTo(cases);
            assertThat(total - deviations.size()).as(suite + ": cases passed").isEqualTo(passed);
        }
    }
    private static final HttpFetcher NO_NETWORK = new HttpFetcher() {
        @Override
        public byte[] get(URI uri) throws IOException {
            throw new IOException("no network in conformance tests: " + uri);
        }

        @Override
        public byte[] post(URI uri, String contentType, byte[] body) throws IOException {
            throw new IOException("no network in conformance tests: " + uri);
        }
    };

    @Test
    @SuppressWarnings("unchecked")
    void nistPkitsPassesAtLeastAsManyCasesAsTheJdkWithExactlyTheDocumentedDeviations() throws Exception {
        Path pkits = DATA.resolve("nist-pkits");
        Map<String, Object> expectations = (Map<String, Object>) TestData.json(
            Files.readString(pkits.resolve("pkits-expectations.json"), StandardCharsets.UTF_8));
        List<Map<String, Object>> cases = (List<Map<String, Object>>) expectations.get("testcases");
        Set<String> ours = new TreeSet<>();
        Set<String> jdk = new TreeSet<>();
        for (Map<String, Object> testCase : cases) {
            String id = (String) testCase.get("id");
            boolean expectSuccess = "SUCCESS".equals(testCase.get("expected_result"));
            X509Certificate anchor = pkitsCertificate(pkits, (String) testCase.get("trust_anchor"));
            List<X509Certificate> chain = new ArrayList<>();
            chain.add(pkitsCertificate(pkits, (String) testCase.get("target")));
            for (Object other : (List<Object>) testCase.get("other_certs")) {
                chain.add(pkitsCertificate(pkits, (String) other));
            }
            List<X509CRL> crls = new ArrayList<>();
            for (Object crl : (List<Object>) testCase.get("crls")) {
                crls.add(crl(Files.readAllBytes(pkits.resolve("crls/" + crl + ".crl"))));
            }
            Instant time = Instant.parse((String) testCase.get("validation_time"));
            Set<String> policies = new HashSet<>((List<String>) (List<?>) testCase.get("initial_policy_set"));
            PathOptions options = new PathOptions(policies.equals(Set.of("2.5.29.32.0")) ? Set.of() : policies,
                (Boolean) testCase.get("initial_explicit_policy"), (Boolean) testCase.get("initial_policy_mapping_inhibit"),
                (Boolean) testCase.get("initial_inhibit_any_policy"));
            CertificateRequirement requirement = CertificateRequirement.client(List.of(anchor))
                .withRevocation(RevocationChecking.HARD_FAIL).withLocalCrls(crls).withPathOptions(options);
            VerificationOutcome outcome = verifier(time, RevocationSettings.DEFAULT).verify(chain, requirement);
            if (outcome.accepted() != expectSuccess) {
                ours.add(id);
            }
            if (jdkPkits(anchor, chain, crls, time, policies, options) != expectSuccess) {
                jdk.add(id);
            }
        }
        int total = cases.size();
        System.out.printf("PKITS: ours %d/%d, JDK %d/%d; our deviations %s; JDK deviations %s%n",
            total - ours.size(), total, total - jdk.size(), total, ours, jdk);
        PKITS.check(total, ours);
        assertThat(total - ours.size()).isGreaterThanOrEqualTo(total - jdk.size());
        assertThat(ours).isEqualTo(documentedDeviations("pkits"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void boringSslCrlVectorsGiveTheExpectedStatusExceptTheDocumentedDeviations() throws Exception {
        Path root = DATA.resolve("boringssl-revocation");
        Map<String, Object> crl = (Map<String, Object>) ((Map<String, Object>) TestData.json(
            Files.readString(root.resolve("expectations.json"), StandardCharsets.UTF_8))).get("crl");
        Instant time = Instant.parse((String) crl.get("verify_time"));
        Duration maxAge = Duration.ofSeconds(((Double) crl.get("max_age_seconds")).longValue());
        RevocationSettings settings = new RevocationSettings(maxAge, Duration.ZERO, Duration.ofMinutes(5), false);
        Set<String> ours = new TreeSet<>();
        Set<String> jdk = new TreeSet<>();
        List<Map<String, Object>> cases = (List<Map<String, Object>>) crl.get("testcases");
        for (Map<String, Object> testCase : cases) {
            String file = (String) testCase.get("file");
            String expected = (String) testCase.get("expected_revocation_status");
            Map<String, byte[]> blocks = TestData.pemBlocks(root.resolve(file));
            X509Certificate issuer = TestData.certificate(blocks.get("CA CERTIFICATE"));
            X509Certificate target = TestData.certificate(blocks.get("CERTIFICATE"));
            List<X509Certificate> chain = new ArrayList<>(List.of(target));
            if (blocks.containsKey("CA CERTIFICATE 2")) {
                chain.add(TestData.certificate(blocks.get("CA CERTIFICATE 2")));
            }
            Optional<X509CRL> parsed = parseCrl(blocks.get("CRL"));
            CertificateRequirement requirement = CertificateRequirement.server(List.of(issuer))
                .withRevocation(RevocationChecking.HARD_FAIL).withLocalCrls(parsed.map(List::of).orElse(List.of()));
            VerificationOutcome outcome = verifier(time, settings).verify(chain, requirement);
            String status = switch (outcome.kind()) {
                case ACCEPTED -> "GOOD";
                case REVOKED -> "REVOKED";
                case REVOCATION_UNKNOWN, REVOCATION_UNREACHABLE -> "UNKNOWN";
                default -> "FAILED " + outcome.message();
            };
            if (!status.equals(expected)) {
                ours.add(file);
                System.out.println("CRL deviation " + file + ": expected " + expected + ", got " + status);
            }
            if (!jdkCrlStatus(issuer, chain, parsed, time).equals(expected)) {
                jdk.add(file);
            }
        }
        int total = cases.size();
        System.out.printf("BoringSSL CRL: ours %d/%d, JDK %d/%d; our deviations %s; JDK deviations %s%n",
            total - ours.size(), total, total - jdk.size(), total, ours, jdk);
        CRL.check(total, ours);
        assertThat(vectorFiles(root, "crl")).as("every CRL vector on disk is a case, and every case is on disk")
            .isEqualTo(cases.stream().map(c -> (String) c.get("file")).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        assertThat(total - ours.size()).isGreaterThanOrEqualTo(total - jdk.size());
        assertThat(ours).isEqualTo(documentedDeviations("crl"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void boringSslOcspVectorsGiveTheExpectedStatusExceptTheDocumentedDeviations() throws Exception {
        Path root = DATA.resolve("boringssl-revocation");
        Map<String, Object> ocsp = (Map<String, Object>) ((Map<String, Object>) TestData.json(
            Files.readString(root.resolve("expectations.json"), StandardCharsets.UTF_8))).get("ocsp");
        Instant time = Instant.parse((String) ocsp.get("verify_time"));
        Duration maxAge = Duration.ofSeconds(((Double) ocsp.get("max_age_seconds")).longValue());
        RevocationSettings settings = new RevocationSettings(maxAge, Duration.ZERO, Duration.ofMinutes(5), false);
        Set<String> ours = new TreeSet<>();
        List<Map<String, Object>> cases = (List<Map<String, Object>>) ocsp.get("testcases");
        for (Map<String, Object> testCase : cases) {
            String file = (String) testCase.get("file");
            Map<String, byte[]> blocks = TestData.pemBlocks(root.resolve(file));
            OcspVerdict verdict = OcspResponseVerifier.verify(blocks.get("OCSP RESPONSE"),
                TestData.certificate(blocks.get("CERTIFICATE")), TestData.certificate(blocks.get("CA CERTIFICATE")),
                Optional.empty(), time, settings);
            if (!verdict.status().name().equals(testCase.get("expected_revocation_status"))) {
                ours.add(file);
            }
        }
        int total = cases.size();
        System.out.printf("BoringSSL OCSP: ours %d/%d; our deviations %s%n", total - ours.size(), total, ours);
        OCSP.check(total, ours);
        assertThat(vectorFiles(root, "ocsp")).as("every OCSP vector on disk is a case, and every case is on disk")
            .isEqualTo(cases.stream().map(c -> (String) c.get("file")).collect(java.util.stream.Collectors.toCollection(TreeSet::new)));
        assertThat(ours).isEqualTo(documentedDeviations("ocsp"));
    }

    @Test
    void theFiguresAssertedHereAreTheOnesDocsConformanceMdStates() throws IOException {
        String doc = Files.readString(TestData.projectFile("docs/conformance.md"), StandardCharsets.UTF_8);
        for (Figures figures : List.of(PKITS, CRL, OCSP)) {
            Matcher row = Pattern.compile("(?m)^\\| " + Pattern.quote(figures.suite()) + "[^|]*\\| (\\d+) \\| \\*\\*(\\d+)\\*\\* \\|").matcher(doc);
            assertThat(row.find()).as("a figures row for " + figures.suite()).isTrue();
            assertThat(new Figures(figures.suite(), Integer.parseInt(row.group(1)), Integer.parseInt(row.group(2)))).isEqualTo(figures);
        }
    }

    /** The vector files of one BoringSSL directory, named as the expectations name them ({@code crl/x.pem}). */
    private static Set<String> vectorFiles(Path root, String directory) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(root.resolve(directory))) {
            return files.map(file -> directory + "/" + file.getFileName()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static CertificateVerifier verifier(Instant time, RevocationSettings settings) {
        return new CertificateVerifier(Clock.fixed(time, ZoneOffset.UTC),
            new RevocationChecker(NO_NETWORK, RevocationCache.defaults(), settings), settings);
    }

    /** The ids in docs/conformance.md rows {@code | <suite> | <id> | <reason> |}. */
    static Set<String> documentedDeviations(String suite) throws IOException {
        Set<String> ids = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| " + suite + " \\| `([^`]+)` \\|").matcher(
            Files.readString(TestData.projectFile("docs/conformance.md"), StandardCharsets.UTF_8));
        while (row.find()) {
            ids.add(row.group(1));
        }
        return ids;
    }

    private static boolean jdkPkits(X509Certificate anchor, List<X509Certificate> chain, List<X509CRL> crls, Instant time,
                                    Set<String> policies, PathOptions options) {
        try {
            List<Object> store = new ArrayList<>(chain);
            store.addAll(crls);
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(chain.get(0));
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(Set.of(new TrustAnchor(anchor, null)), target);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            parameters.setDate(Date.from(time));
            parameters.setRevocationEnabled(true);
            parameters.setInitialPolicies(policies);
            parameters.setExplicitPolicyRequired(options.explicitPolicyRequired());
            parameters.setPolicyMappingInhibited(options.policyMappingInhibited());
            parameters.setAnyPolicyInhibited(options.anyPolicyInhibited());
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return true;
        } catch (Exception | StackOverflowError e) {
            return false;
        }
    }

    private static String jdkCrlStatus(X509Certificate issuer, List<X509Certificate> chain, Optional<X509CRL> crl,
                                       Instant time) {
        try {
            CertPathValidator validator = CertPathValidator.getInstance("PKIX");
            PKIXRevocationChecker checker = (PKIXRevocationChecker) validator.getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS, PKIXRevocationChecker.Option.NO_FALLBACK));
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(issuer, null)));
            List<Object> store = new ArrayList<>(chain);
            crl.ifPresent(store::add);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
            parameters.setDate(Date.from(time));
            parameters.setRevocationEnabled(true);
            parameters.addCertPathChecker(checker);
            validator.validate(CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)), parameters);
            return "GOOD";
        } catch (CertPathValidatorException e) {
            return e.getReason() == CertPathValidatorException.BasicReason.REVOKED ? "REVOKED" : "UNKNOWN";
        } catch (Exception | StackOverflowError e) {
            return "UNKNOWN";
        }
    }

    private static X509Certificate pkitsCertificate(Path pkits, String name) throws Exception {
        return TestData.certificate(Files.readAllBytes(pkits.resolve("certs/" + name + ".crt")));
    }

    private static X509CRL crl(byte[] der) throws Exception {
        return (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
    }

    private static Optional<X509CRL> parseCrl(byte[] der) {
        try {
            return Optional.ofNullable(crl(der));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
