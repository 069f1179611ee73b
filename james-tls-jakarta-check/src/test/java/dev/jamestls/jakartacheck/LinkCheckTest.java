package dev.jamestls.jakartacheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client classes ({@code app.*}) are compiled against version 1 of a
 * library ({@code lib.*}) and linked against version 2, as the drop-in jar is
 * compiled against James 3.8.1 and linked against James 3.9.0.
 */
class LinkCheckTest {

    private static final Map<String, String> LIBRARY_V1 = Map.of(
            "lib.Api", "package lib; public class Api {"
                    + " public static final String NAME = \"v1\"; public static int limit = 3;"
                    + " public String greet() { return NAME; } }",
            "lib.Base", "package lib; public class Base {}",
            "lib.Derived", "package lib; public class Derived extends Base {}",
            "lib.Gone", "package lib; public class Gone {}");

    private static final Map<String, String> CLIENT = Map.of(
            "app.Client", "package app; public class Client {"
                    + " public String call(lib.Api api) { return api.greet() + lib.Api.limit; } }",
            "app.Impl", "package app; public class Impl extends lib.Base {}",
            "app.Factory", "package app; public class Factory { public lib.Base make() { return new lib.Derived(); } }",
            "app.UsesGone", "package app; public class UsesGone { public Object make() { return new lib.Gone(); } }");

    @TempDir
    Path dir;

    @Test
    void passesWhenEveryReferenceResolves() throws Exception {
        Path jar = clientJar();
        Path library = Fixtures.jar(dir.resolve("lib.jar"), dir.resolve("v1"), "lib/");

        LinkCheck.Report report = LinkCheck.check(jar, List.of(library), List.of());

        assertThat(report.problems()).isEmpty();
        assertThat(report.classes()).isEqualTo(4);
        assertThat(report.fallbackUses()).isEmpty();
    }

    @Test
    void reportsMissingMethodFieldClassSupertypeAndVerificationFailure() throws Exception {
        Path jar = clientJar();
        Path library = libraryV2(
                "lib.Api", "package lib; public class Api { public static final String NAME = \"v2\"; }",
                "lib.Derived", "package lib; public class Derived {}");

        LinkCheck.Report report = LinkCheck.check(jar, List.of(library), List.of());

        assertThat(report.problems()).map(LinkCheck.Problem::toString).containsExactlyInAnyOrder(
                "app.Client: missing method lib.Api.greet()Ljava/lang/String;",
                "app.Client: missing field lib.Api.limit:I",
                "app.UsesGone: missing class lib.Gone",
                "app.Impl: does not load: NoClassDefFoundError: lib.Base",
                "app.Factory: does not link: NoClassDefFoundError: lib.Base");
    }

    @Test
    void reportsClassThatFailsVerification() throws Exception {
        Path jar = clientJar();
        Path library = libraryV2(
                "lib.Base", "package lib; public class Base {}",
                "lib.Derived", "package lib; public class Derived {}");

        LinkCheck.Report report = LinkCheck.check(jar, List.of(library), List.of());

        assertThat(report.problems()).map(LinkCheck.Problem::toString)
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("app.Factory: does not link: VerifyError: Bad return type"));
    }

    @Test
    void listsClassesThatNeedTheFallbackJars() throws Exception {
        Path classes = Fixtures.compile(dir.resolve("hooks"), Map.of(
                "hook.RcptHook", "package hook; public interface RcptHook { String doRcpt(String to); }",
                "app.Enforcer", "package app; public class Enforcer implements hook.RcptHook {"
                        + " public String doRcpt(String to) { return to; } }",
                "app.Plain", "package app; public class Plain {}"));
        Path jar = Fixtures.jar(dir.resolve("app.jar"), classes, "app/");
        Path hooks = Fixtures.jar(dir.resolve("hooks.jar"), classes, "hook/");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = Main.links(jar, List.of(), List.of(hooks), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "[james39] 1 class(es) checked against the fallback jars [hooks.jar] (API absent at the target version here):\n"
                + "  app.Enforcer uses [hook.RcptHook]\n"
                + "[james39] link check passed: 2 classes of app.jar load, verify and resolve against 0 API jars\n");
    }

    @Test
    void commandFailsAndNamesClassAndMissingSymbol() throws Exception {
        Path jar = clientJar();
        Path library = libraryV2(
                "lib.Api", "package lib; public class Api { public static final String NAME = \"v2\";"
                        + " public static int limit = 3; }",
                "lib.Base", "package lib; public class Base {}",
                "lib.Derived", "package lib; public class Derived extends Base {}",
                "lib.Gone", "package lib; public class Gone {}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int status = Main.links(jar, List.of(library), List.of(), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(status).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "[james39] 0 class(es) checked against the fallback jars [] (API absent at the target version here):\n"
                + "[james39] link check FAILED: 1 linkage error(s) in client.jar:\n"
                + "  app.Client: missing method lib.Api.greet()Ljava/lang/String;\n");
    }

    private Path clientJar() throws Exception {
        java.util.HashMap<String, String> sources = new java.util.HashMap<>(LIBRARY_V1);
        sources.putAll(CLIENT);
        Path classes = Fixtures.compile(dir.resolve("v1"), sources);
        return Fixtures.jar(dir.resolve("client.jar"), classes, "app/");
    }

    private Path libraryV2(String... nameAndSource) throws Exception {
        java.util.Map<String, String> sources = new java.util.HashMap<>();
        for (int i = 0; i < nameAndSource.length; i += 2) {
            sources.put(nameAndSource[i], nameAndSource[i + 1]);
        }
        Path classes = Fixtures.compile(dir.resolve("v2"), sources);
        return Fixtures.jar(dir.resolve("lib-v2.jar"), classes, "lib/");
    }
}
