package dev.jamestls.it.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.cli.JamesTlsCli;

/**
 * {@code james-tls check} passes on the sandbox's real configuration
 * (as laid out by {@code mvn package}) and finds an error planted in a copy of it.
 */
class SandboxConfCheckIT {
    private final Path layout = Path.of(System.getProperty("jamestls.sandbox.directory", "target/james-tls-sandbox"));

    record Result(int exitCode, String out, String err) {
    }

    @Test
    void checkPassesOnTheSandboxConfiguration(@TempDir Path copy) throws IOException {
        copySandbox(copy);

        Result result = check(copy.resolve("conf"));

        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(JamesTlsCli.CLEAN);
        // No warning either: forward-secret AEAD suites on both listeners, renegotiation refused in jvm.properties.
        assertThat(result.out()).contains("0 errors, 0 warnings");
    }

    @Test
    void checkWarnsWhenTheSandboxListenersFallBackToTheJdkSuitesAndRenegotiation(@TempDir Path copy) throws IOException {
        copySandbox(copy);
        Path listeners = copy.resolve("conf/tls-smtpserver.xml");
        String original = Files.readString(listeners, StandardCharsets.UTF_8);
        Files.writeString(listeners, original.replaceAll("(?s)<supportedCipherSuites>.*</supportedCipherSuites>",
            "<supportedCipherSuites><cipherSuite>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</cipherSuite>"
                + "<cipherSuite>TLS_RSA_WITH_AES_128_CBC_SHA</cipherSuite></supportedCipherSuites>"), StandardCharsets.UTF_8);
        Files.writeString(copy.resolve("conf/jvm.properties"), "# nothing\n", StandardCharsets.UTF_8);

        Result result = check(copy.resolve("conf"));

        assertThat(result.exitCode()).as(result.out()).isEqualTo(JamesTlsCli.CLEAN);
        assertThat(result.out())
            .contains("warning <cipherSuite>: TLS_RSA_WITH_AES_128_CBC_SHA: no forward secrecy (static-RSA key exchange), CBC mode")
            .contains("warning jdk.tls.rejectClientInitiatedRenegotiation: not set: clients may renegotiate TLS 1.2 sessions")
            .contains("0 errors, 2 warnings");
    }

    @Test
    void checkFindsALevelMisspeltInTheSandboxPolicy(@TempDir Path copy) throws IOException {
        copySandbox(copy);
        Path policy = copy.resolve("conf/tls-policy.xml");
        String original = Files.readString(policy, StandardCharsets.UTF_8);
        assertThat(original).contains("level=\"secure\"");
        Files.writeString(policy, original.replace("level=\"secure\"", "level=\"verfy\""), StandardCharsets.UTF_8);
        int line = lineOf(original, "level=\"secure\"");

        Result result = check(copy.resolve("conf"));

        assertThat(result.exitCode()).isEqualTo(JamesTlsCli.ERRORS);
        assertThat(result.out())
            .contains(policy.toString())
            .containsPattern("\\n\\s+" + line + ":\\d+\\s+error\\s+.*unknown level 'verfy'; accepted: none, may, encrypt, verify, secure, fingerprint, dane, dane-only");
    }

    /** The main MX listener lives in tls-smtpserver.xml: check reads it like smtpserver.xml. */
    @Test
    void checkFindsALegacyProtocolAndAMisspeltHookParameterInTheCertificateWantedListeners(@TempDir Path copy) throws IOException {
        copySandbox(copy);
        Path listeners = copy.resolve("conf/tls-smtpserver.xml");
        String original = Files.readString(listeners, StandardCharsets.UTF_8);
        assertThat(original).contains("<protocol>TLSv1.2</protocol>", "<trustAnchors>");
        Files.writeString(listeners, original.replace("<protocol>TLSv1.2</protocol>", "<protocol>TLSv1.1</protocol>")
            .replace("<trustAnchors>file://pki/ca.pem</trustAnchors>", "<trustAnchor>file://pki/ca.pem</trustAnchor>"), StandardCharsets.UTF_8);

        Result result = check(copy.resolve("conf"));

        assertThat(result.exitCode()).isEqualTo(JamesTlsCli.ERRORS);
        assertThat(result.out())
            .contains(listeners.toString())
            .containsPattern("\\n\\s+" + lineOf(original, "<protocol>TLSv1.2</protocol>")
                + ":\\d+\\s+error\\s+<protocol>: TLSv1.1 must not be enabled \\(RFC 8996\\)")
            .containsPattern("\\n\\s+" + lineOf(original, "<trustAnchors>") + ":\\d+\\s+error\\s+<trustAnchor>: unknown parameter of InboundTlsPolicyHook")
            .contains("2 errors");
    }

    /**
     * The sandbox's resolver port is a system property run sets ({@code ${sys:jamestls.dns.port:-53}}): check resolves
     * parameters as James's commons-configuration does, so the default passes and a reference without one that
     * nothing sets is an error naming the property.
     */
    @Test
    void checkResolvesSystemPropertiesInMailetParametersAndNamesOneThatIsNotSet(@TempDir Path copy) throws IOException {
        copySandbox(copy);
        Path mailets = copy.resolve("conf/mailetcontainer.xml");
        String original = Files.readString(mailets, StandardCharsets.UTF_8);
        String resolver = "<dnssecResolver>127.0.0.1:${sys:jamestls.dns.port:-53}</dnssecResolver>";
        assertThat(original).contains(resolver);
        Files.writeString(mailets, original.replace(resolver, "<dnssecResolver>127.0.0.1:${sys:jamestls.unset.port}</dnssecResolver>"),
            StandardCharsets.UTF_8);

        Result result = check(copy.resolve("conf"));

        assertThat(result.exitCode()).isEqualTo(JamesTlsCli.ERRORS);
        assertThat(result.out())
            .contains(mailets.toString())
            .containsPattern("\\n\\s+" + lineOf(original, resolver) + ":\\d+\\s+error\\s+<dnssecResolver>: system property "
                + "'jamestls.unset.port' of '127.0.0.1:\\$\\{sys:jamestls.unset.port}' is not set");
    }

    private static int lineOf(String text, String needle) {
        return text.substring(0, text.indexOf(needle)).split("\n", -1).length;
    }

    private Result check(Path conf) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JamesTlsCli.run(new PrintWriter(out), new PrintWriter(err), "check", conf.toString());
        return new Result(code, out.toString(), err.toString());
    }

    private void copySandbox(Path target) throws IOException {
        for (String folder : new String[] {"conf", "pki"}) {
            Path source = layout.resolve(folder);
            assertThat(source).as("sandbox laid out by mvn package").isDirectory();
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path destination = target.resolve(layout.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(file, destination);
                    }
                }
            }
        }
    }
}
