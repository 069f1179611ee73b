package dev.jamestls.jakartacheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceScanTest {

    @TempDir
    Path dir;

    @Test
    void reportsClassThatStillRefersToJavaxMail() throws Exception {
        Path classes = Fixtures.compile(dir.resolve("classes"), Map.of(
                "javax.mail.Session", "package javax.mail; public class Session {}",
                "fixture.UsesMail", "package fixture; public class UsesMail {"
                        + " public Object session(javax.mail.Session s) { return s; } }"));
        Path jar = Fixtures.jar(dir.resolve("fixture.jar"), classes, "fixture/");

        assertThat(ReferenceScan.scan(jar)).containsExactly(
                new ReferenceScan.Finding("fixture/UsesMail.class", "(Ljavax/mail/Session;)Ljava/lang/Object;"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # reason                                | stub class                    | use in the fixture                                                  | expected reference
            annotation of javax.inject              | javax.inject.Inject           | @javax.inject.Inject public Uses() {}                               | Ljavax/inject/Inject;
            type of javax.activation                | javax.activation.DataHandler  | public Object handler() { return new javax.activation.DataHandler(); } | javax/activation/DataHandler
            Sun mail provider class                 | com.sun.mail.smtp.SMTPTransport | public Object t(Object o) { return (com.sun.mail.smtp.SMTPTransport) o; } | com/sun/mail/smtp/SMTPTransport
            class name in a string constant         | javax.mail.Provider           | public String n() { return \"javax.mail.Session\"; }              | javax.mail.Session
            """)
    void reportsEveryPreJakartaPackage(String reason, String stub, String use, String expected) throws Exception {
        String stubPackage = stub.substring(0, stub.lastIndexOf('.'));
        String stubName = stub.substring(stub.lastIndexOf('.') + 1);
        String stubSource = stubName.equals("Inject")
                ? "package " + stubPackage + "; public @interface Inject {}"
                : "package " + stubPackage + "; public class " + stubName + " {}";
        Path classes = Fixtures.compile(dir.resolve("classes"), Map.of(
                stub, stubSource,
                "fixture.Uses", "package fixture; public class Uses { " + use + " }"));
        Path jar = Fixtures.jar(dir.resolve("fixture.jar"), classes, "fixture/");

        assertThat(ReferenceScan.scan(jar))
                .as(reason)
                .extracting(ReferenceScan.Finding::reference)
                .contains(expected)
                .allMatch(reference -> ReferenceScan.FORBIDDEN.stream().anyMatch(reference::contains));
    }

    @Test
    void reportsServiceFileNamedAfterJavaxMail() throws Exception {
        Path classes = Fixtures.compile(dir.resolve("classes"), Map.of(
                "fixture.Provider", "package fixture; public class Provider {}"));
        Path jar = Fixtures.jarWithText(dir.resolve("fixture.jar"), classes,
                "META-INF/services/javax.mail.Provider", "fixture.Provider\n", "fixture/");

        assertThat(ReferenceScan.scan(jar)).containsExactly(
                new ReferenceScan.Finding("META-INF/services/javax.mail.Provider", "javax.mail.Provider"));
    }

    @Test
    void passesClassThatUsesJakartaMail() throws Exception {
        Path classes = Fixtures.compile(dir.resolve("classes"), Map.of(
                "jakarta.mail.Session", "package jakarta.mail; public class Session {}",
                "fixture.UsesMail", "package fixture; public class UsesMail {"
                        + " public Object session(jakarta.mail.Session s) { return s; } }"));
        Path jar = Fixtures.jar(dir.resolve("fixture.jar"), classes, "fixture/");

        assertThat(ReferenceScan.scan(jar)).isEmpty();
    }

    @Test
    void commandFailsAndNamesTheReference() throws Exception {
        Path classes = Fixtures.compile(dir.resolve("classes"), Map.of(
                "javax.mail.Session", "package javax.mail; public class Session {}",
                "fixture.UsesMail", "package fixture; public class UsesMail {"
                        + " public Object session(javax.mail.Session s) { return s; } }"));
        Path jar = Fixtures.jar(dir.resolve("fixture.jar"), classes, "fixture/");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = Main.references(jar, new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "[james39] reference scan FAILED: 1 reference(s) to " + ReferenceScan.FORBIDDEN + " in fixture.jar:\n"
                + "  fixture/UsesMail.class refers to '(Ljavax/mail/Session;)Ljava/lang/Object;'\n");
    }
}
