package dev.jamestls.policy.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.policy.CipherPreset;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.DomainTable;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.TableEntry;
import dev.jamestls.tls.TlsProtocol;

class PostfixPolicyTableTest {
    static final String PIN = "r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E=";
    static final String LEVELS = "accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only";
    static final String KEYS = "accepted keys: domain (a recipient domain), .domain (every name below it)";
    static final String NEXT_HOP = "next-hop entries ([host], [host]:port) are not supported: the keys are recipient domains; "
        + KEYS + ". A smart host's level goes in a connector: <outbound level=...> with <recipientDomain> and <smartHost>";

    @TempDir
    Path dir;
    final List<Problem> problems = new ArrayList<>();

    final Map<Path, dev.jamestls.policy.ContentDigest> files = new java.util.LinkedHashMap<>();

    static final java.security.cert.X509Certificate ANCHOR = dev.jamestls.pki.CertificateAuthority
        .root("CN=Table Anchor", java.time.Instant.now()).certificate().certificate();

    @org.junit.jupiter.api.BeforeEach
    void anchorFiles() throws IOException {
        Files.writeString(dir.resolve("ca.pem"), dev.jamestls.tls.PemFiles.certificates(List.of(ANCHOR)));
        Files.writeString(dir.resolve("not-pem.txt"), "hello\n");
    }

    Optional<DomainTable> parse(String text) throws IOException {
        Path file = dir.resolve("tls_policy");
        Files.writeString(file, text);
        return PostfixPolicyTable.parse(file, Mode.ENFORCE, problems, files);
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
            Arguments.of("DANE trusts its TLSA records, not a tafile", "a.example dane-only tafile=ca.pem", "entry 'a.example': trust anchors do not apply to level dane-only: the destination's TLSA records say what to trust (RFC 7672 §3.1)"),
            Arguments.of("misspelt level", "a.example verfy", "entry 'a.example': unknown level 'verfy'; " + LEVELS),
            Arguments.of("obsolete upper-case level", "a.example MUST", "entry 'a.example': unknown level 'MUST'; " + LEVELS),
            Arguments.of("no level", "a.example", "entry 'a.example': no level; " + LEVELS),
            Arguments.of("unknown attribute", "a.example secure mach=mx.a.example", "entry 'a.example': unknown attribute 'mach'; accepted: match, protocols, ciphers, exclude, tafile"),
            Arguments.of("servername is not supported", "a.example secure servername=hostname", "entry 'a.example': attribute 'servername' is not supported; accepted: match, protocols, ciphers, exclude, tafile"),
            Arguments.of("tafile that does not exist", "a.example verify tafile=missing.pem", "entry 'a.example': trust anchor file 'missing.pem' not found (looked at DIR/missing.pem)"),
            Arguments.of("tafile that is not certificates", "a.example verify tafile=not-pem.txt", "entry 'a.example': trust anchor file 'not-pem.txt' does not parse as certificates; accepted: PEM CERTIFICATE blocks"),
            Arguments.of("tafile empty", "a.example verify tafile=", "entry 'a.example': tafile is empty; accepted: a PEM file of CA certificates, relative to the table's directory"),
            Arguments.of("tafile twice", "a.example verify tafile=ca.pem tafile=ca.pem", "entry 'a.example': tafile given twice; accepted: one PEM file of CA certificates per entry"),
            Arguments.of("tafile under fingerprint", "a.example fingerprint match=" + PIN + " tafile=ca.pem", "entry 'a.example': trust anchors apply to levels may, encrypt, verify and secure, not fingerprint (pins need no CA)"),
            Arguments.of("tafile under none", "a.example none tafile=ca.pem", "entry 'a.example': trust anchors apply to levels may, encrypt, verify and secure, not none (no TLS)"),
            Arguments.of("bare word after the level", "a.example secure mx.a.example", "entry 'a.example': expected name=value after the level, found 'mx.a.example'; accepted attributes: match, protocols, ciphers, exclude, tafile"),
            Arguments.of("hex fingerprint", "a.example fingerprint match=3D:95:34:51:24:66:33:B9:D2:40:99:C0:C1:17:0B:D1",
                "entry 'a.example': hex fingerprint '3D:95:34:51:24:66:33:B9:D2:40:99:C0:C1:17:0B:D1' is not supported; accepted: base64 SPKI SHA-256 pins (RFC 7469 §2.4), "
                    + "e.g. from 'openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64'"),
            Arguments.of("fingerprint without match", "a.example fingerprint", "entry 'a.example': level fingerprint needs at least one pin"),
            Arguments.of("bad pin", "a.example fingerprint match=AAAA", "entry 'a.example': not an SPKI SHA-256 pin 'AAAA'; accepted: base64 of 32 bytes, 44 characters ending in '=' (RFC 7469 §2.4)"),
            Arguments.of("secure trusting the MX name", "a.example secure match=hostname", "entry 'a.example': match 'hostname' is not allowed under level secure: the MX host name comes from unauthenticated DNS; use level verify"),
            Arguments.of("match under encrypt", "a.example encrypt match=mx.a.example", "entry 'a.example': match names apply to levels secure and verify only, not encrypt"),
            Arguments.of("protocol upper bound", "a.example encrypt protocols=<=TLSv1.2", "entry 'a.example': protocol upper bound '<=TLSv1.2' is not supported; we configure a minimum only"),
            Arguments.of("unknown protocol", "a.example encrypt protocols=>=TLSv2", "entry 'a.example': unknown protocol 'TLSv2' in protocols=>=TLSv2; accepted: SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3"),
            Arguments.of("protocols allowing TLS 1.0", "a.example encrypt protocols=!SSLv2:!SSLv3", "entry 'a.example': protocols=!SSLv2:!SSLv3 allows TLSv1; SSL and TLS 1.0/1.1 are never allowed (RFC 8996); exclude them or write >=TLSv1.2"),
            Arguments.of("protocols allowing SSLv3", "a.example encrypt protocols=SSLv3:TLSv1.2", "entry 'a.example': protocols=SSLv3:TLSv1.2 allows SSLv3; SSL and TLS 1.0/1.1 are never allowed (RFC 8996); exclude them or write >=TLSv1.2"),
            Arguments.of("protocols with a hole", "a.example encrypt protocols=>=TLSv1.2:!TLSv1.3", "entry 'a.example': protocols=>=TLSv1.2:!TLSv1.3 excludes TLSv1.3 above the lowest allowed TLSv1.2; we configure a minimum only"),
            Arguments.of("weak cipher grade", "a.example encrypt ciphers=low", "entry 'a.example': cipher grade 'low' is not supported: it allows broken or unauthenticated ciphers; accepted: high, medium, modern, forward-secret, compatible"),
            Arguments.of("unknown cipher grade", "a.example encrypt ciphers=strong", "entry 'a.example': unknown cipher grade 'strong'; accepted: high, medium, modern, forward-secret, compatible"),
            Arguments.of("unknown exclusion", "a.example encrypt exclude=RC5", "entry 'a.example': unknown cipher exclusion 'RC5'; accepted: a JSSE suite name (TLS_...) or one of "
                + "aNULL, eNULL, NULL, RC4, 3DES, DES, MD5, SHA1, SHA, kRSA, DHE, EDH, ECDSA, CBC, AES128, AES256, CHACHA20, CAMELLIA, ARIA, SEED, IDEA"),
            Arguments.of("wildcard key", "*.a.example encrypt", "entry '*.a.example': not a table key '*.a.example'; Postfix tables write subdomains as .domain, not *.domain"),
            Arguments.of("host:port without brackets", "mx.a.example:587 encrypt", "entry 'mx.a.example:587': not a table key; " + KEYS),
            Arguments.of("next hop with a port", "[relay.example]:587 verify", "entry '[relay.example]:587': " + NEXT_HOP),
            Arguments.of("next hop without a port", "[relay.example] may", "entry '[relay.example]': " + NEXT_HOP),
            Arguments.of("garbage key", "a_b.example encrypt", "entry 'a_b.example': not a table key: not a domain name 'a_b.example': character '_' is not allowed "
                + "(letters, digits, hyphen; labels separated by dots); " + KEYS),
            Arguments.of("unterminated brace", "a.example encrypt { protocols = >=TLSv1.2", "line 1: '{' without a matching '}'"),
            Arguments.of("continuation without entry", "  encrypt", "line 1: continuation line without a preceding entry; an entry starts in the first column"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    void reportsEachUnsupportedOrBrokenLineWithItsExactMessage(String reason, String line, String expected) throws IOException {
        Optional<DomainTable> table = parse(line + "\n");

        assertThat(table).as(reason).isEmpty();
        assertThat(problems).extracting(p -> p.line() + ": " + p.detail().replace(dir.toString(), "DIR")).as(reason)
            .containsExactly("1: " + expected);
    }

    @Test
    void tafileGivesTheEntryItsOwnAnchorsKeyedByContentAndWatchedByTheReload() throws IOException {
        DomainTable table = parse("""
            a.example verify tafile=ca.pem
            b.example verify
            """).orElseThrow();

        assertThat(problems).isEmpty();
        dev.jamestls.policy.TrustAnchorFile anchors = table.lookup(DomainName.parse("a.example")).orElseThrow().requirement()
            .trustAnchors().orElseThrow();
        assertThat(anchors.certificates()).containsExactly(ANCHOR);
        assertThat(anchors.file()).isEqualTo(dir.resolve("ca.pem"));
        assertThat(anchors.digest().sha256()).hasSize(64);
        assertThat(table.lookup(DomainName.parse("b.example")).orElseThrow().requirement().trustAnchors()).isEmpty();
        assertThat(files).containsOnlyKeys(dir.resolve("ca.pem")).containsEntry(dir.resolve("ca.pem"), anchors.digest());
    }

    @Test
    void readsCommentsContinuationsAndBothKeyForms() throws IOException {
        DomainTable table = parse("""
            # Postfix table
            partner.example   secure
              match=mail.partner.example:.partner.example
            # a comment between entries

            .partner.example  encrypt { protocols = !SSLv2 !SSLv3 !TLSv1 !TLSv1.1 }
            pinned.example    fingerprint match=%s|%s
            legacy.example    encrypt ciphers=medium exclude=3DES:RC4
            """.formatted(PIN, PIN)).orElseThrow();

        assertThat(problems).isEmpty();
        TableEntry partner = table.lookup(DomainName.parse("Partner.Example.")).orElseThrow();
        assertThat(partner.source()).isEqualTo("tls_policy:2");
        assertThat(partner.requirement().match()).extracting(Object::toString).containsExactly("mail.partner.example", ".partner.example");
        TableEntry sub = table.lookup(DomainName.parse("deep.mx.partner.example")).orElseThrow();
        assertThat(sub.key()).isEqualTo(".partner.example");
        assertThat(sub.requirement().minimumProtocol()).isEqualTo(TlsProtocol.TLS_1_2);
        assertThat(table.lookup(DomainName.parse("pinned.example")).orElseThrow().requirement().pins()).containsExactly(PIN, PIN);
        TableEntry legacy = table.lookup(DomainName.parse("legacy.example")).orElseThrow();
        assertThat(legacy.requirement().ciphers().preset()).isEqualTo(CipherPreset.COMPATIBLE);
        assertThat(legacy.requirement().ciphers().suites()).noneMatch(s -> s.contains("3DES") || s.contains("RC4"));
        assertThat(table.lookup(DomainName.parse("partner.example.evil"))).isEmpty();
    }

    @Test
    void aNextHopKeyIsAnErrorNamingFileLineAndKeyAndTheRestOfTheTableIsStillChecked() throws IOException {
        Optional<DomainTable> table = parse("""
            # relays
            a.example         encrypt
            [relay.example]:587 verify tafile=missing.pem
            b.example         verfy
            """);

        assertThat(table).isEmpty();
        assertThat(problems).extracting(Problem::toString).containsExactly(
            "tls_policy:3:1: error: entry '[relay.example]:587': " + NEXT_HOP,
            "tls_policy:4:1: error: entry 'b.example': unknown level 'verfy'; " + LEVELS);
        assertThat(files).as("the refused entry's attributes are not read").isEmpty();
    }

    @Test
    void daneLevelsAreTheDestinationsTlsaRecordsWithPostfixSpelling() throws IOException {
        DomainTable table = parse("a.example dane\nb.example dane-only protocols=>=TLSv1.3\n").orElseThrow();

        assertThat(table.lookup(DomainName.parse("a.example")).orElseThrow().requirement().level())
            .isEqualTo(dev.jamestls.policy.OutboundLevel.DANE);
        assertThat(table.lookup(DomainName.parse("b.example")).orElseThrow().requirement().level())
            .isEqualTo(dev.jamestls.policy.OutboundLevel.DANE_ONLY);
    }

    @Test
    void secureWithoutMatchTakesPostfixDefaultNexthopAndDotNexthop() throws IOException {
        DomainTable table = parse("a.example secure\n").orElseThrow();

        assertThat(table.lookup(DomainName.parse("a.example")).orElseThrow().requirement().match())
            .extracting(Object::toString).containsExactly("nexthop", "dot-nexthop");
    }

    @Test
    void protocolsSyntaxMapsToAMinimum() {
        assertThat(PostfixPolicyTable.minimumProtocol(">=TLSv1.3")).isEqualTo(TlsProtocol.TLS_1_3);
        assertThat(PostfixPolicyTable.minimumProtocol("!SSLv2:!SSLv3:!TLSv1:!TLSv1.1")).isEqualTo(TlsProtocol.TLS_1_2);
        assertThat(PostfixPolicyTable.minimumProtocol("!TLSv1 !TLSv1.1 !SSLv2 !SSLv3")).isEqualTo(TlsProtocol.TLS_1_2);
        assertThat(PostfixPolicyTable.minimumProtocol("TLSv1.2,TLSv1.3")).isEqualTo(TlsProtocol.TLS_1_2);
    }

    @Test
    void duplicateKeysAreErrorsNamingTheFirstLine() throws IOException {
        Optional<DomainTable> table = parse("a.example encrypt\nA.EXAMPLE. verify\n");

        assertThat(table).isEmpty();
        assertThat(problems).extracting(Problem::toString)
            .containsExactly("tls_policy:2:1: error: entry 'A.EXAMPLE.': duplicate key; first defined at line 1");
    }

    @Test
    void identicalRequirementsAreSharedToKeepLargeTablesSmall() throws IOException {
        DomainTable table = parse("a.example secure match=nexthop\nb.example secure match=nexthop\n").orElseThrow();

        assertThat(table.lookup(DomainName.parse("a.example")).orElseThrow().requirement())
            .isSameAs(table.lookup(DomainName.parse("b.example")).orElseThrow().requirement());
    }
}
