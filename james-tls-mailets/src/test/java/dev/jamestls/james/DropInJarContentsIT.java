package dev.jamestls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jamestls.pki.CertificateAuthority;

/**
 * The drop-in jars (James 3.8 and the transformed James 3.9 one) hold what runs inside James and
 * nothing else: no admin CLI (that is {@code james-tls.jar}), no configuration checker or its
 * component catalog, no certificate generator or other class of the test kit, no test class.
 * Runs after {@code package} (failsafe), on the jars the build just made.
 */
class DropInJarContentsIT {
    /** A forbidden part of the jar: entries starting with {@code prefix}, and why they do not belong there. */
    record Forbidden(String prefix, String reason) {
    }

    static final List<Forbidden> FORBIDDEN_PACKAGES = List.of(
        new Forbidden("dev/jamestls/cli/", "the admin CLI, james-tls.jar"),
        new Forbidden("dev/jamestls/admin/", "the admin CLI's tools, james-tls.jar"),
        new Forbidden("dev/jamestls/wiring/", "the configuration checker and its component catalog, james-tls.jar"),
        new Forbidden("dev/jamestls/pki/", "the certificate generator of the test kit"),
        new Forbidden("dev/jamestls/sandbox/", "the sandbox's demo and its Guice module, which has a jar of its own"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jamestls.dropInJar", "jamestls.dropInJar.james39"})
    void dropInJarHoldsNoCliCheckerTestKitOrTestClass(String property) throws IOException, URISyntaxException {
        List<String> entries = entries(Path.of(System.getProperty(property)));

        assertThat(entries).as("sanity: the jar holds the mailets and the core")
            .contains("dev/jamestls/james/mailets/TlsRemoteDelivery.class", "dev/jamestls/tls/PemFiles.class");
        assertThat(misplaced(entries, testKitClasses(), testClasses())).isEmpty();
    }

    @Test
    void everyForbiddenKindOfEntryIsReported() {
        List<String> entries = List.of(
            "dev/jamestls/james/mailets/TlsRemoteDelivery.class",
            "dev/jamestls/tls/PemFiles.class",
            "dev/jamestls/pki/CertificateAuthority.class",
            "dev/jamestls/pki/OcspResponses.class",
            "dev/jamestls/cli/JamesTlsCli.class",
            "dev/jamestls/wiring/ConfigurationCheck.class",
            "dev/jamestls/wiring/ComponentCatalog.class",
            "dev/jamestls/it/harness/TestSmtpServer.class",
            "dev/jamestls/james/TestFacts.class");

        assertThat(misplaced(entries, Set.of("dev/jamestls/it/harness/TestSmtpServer.class"), Set.of("dev/jamestls/james/TestFacts.class")))
            .containsExactly(
                "dev/jamestls/pki/CertificateAuthority.class (the certificate generator of the test kit)",
                "dev/jamestls/pki/OcspResponses.class (the certificate generator of the test kit)",
                "dev/jamestls/cli/JamesTlsCli.class (the admin CLI, james-tls.jar)",
                "dev/jamestls/wiring/ConfigurationCheck.class (the configuration checker and its component catalog, james-tls.jar)",
                "dev/jamestls/wiring/ComponentCatalog.class (the configuration checker and its component catalog, james-tls.jar)",
                "dev/jamestls/it/harness/TestSmtpServer.class (a class of james-tls-testkit)",
                "dev/jamestls/james/TestFacts.class (a test class of james-tls-mailets)");
    }

    /** Each entry that does not belong in the drop-in jar, with the reason. */
    static List<String> misplaced(List<String> entries, Collection<String> testKitClasses, Collection<String> testClasses) {
        List<String> found = new ArrayList<>();
        for (String entry : entries) {
            FORBIDDEN_PACKAGES.stream().filter(forbidden -> entry.startsWith(forbidden.prefix())).findFirst()
                .map(Forbidden::reason)
                .or(() -> testKitClasses.contains(entry) ? Optional.of("a class of james-tls-testkit") : Optional.empty())
                .or(() -> testClasses.contains(entry) ? Optional.of("a test class of james-tls-mailets") : Optional.empty())
                .ifPresent(reason -> found.add(entry + " (" + reason + ")"));
        }
        return found;
    }

    private static List<String> entries(Path jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> all = zip.entries(); all.hasMoreElements();) {
                names.add(all.nextElement().getName());
            }
        }
        return names;
    }

    /** The class files of the test kit, wherever the test class path has it (a jar or a folder). */
    private static Set<String> testKitClasses() throws IOException, URISyntaxException {
        Path location = Path.of(CertificateAuthority.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return classFiles(location);
        }
        return new TreeSet<>(entries(location).stream().filter(name -> name.endsWith(".class")).toList());
    }

    /** The class files of this module's tests. */
    private static Set<String> testClasses() throws IOException {
        return classFiles(Path.of(System.getProperty("jamestls.testClasses")));
    }

    private static Set<String> classFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return new TreeSet<>(files.filter(file -> file.toString().endsWith(".class"))
                .map(file -> root.relativize(file).toString().replace('\\', '/')).toList());
        }
    }
}
