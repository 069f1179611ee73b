package dev.jamestls.jakartacheck;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the checks, run by the build on the Java 21+ JVM that James
 * 3.9 needs. Exit status 0 when the check passes, 1 when it fails, 2 on usage
 * errors.
 *
 * <pre>
 * references JAR
 * links JAR API-CLASSPATH FALLBACK-CLASSPATH
 * unit-tests TEST-CLASSES-DIR CLASS-NAME-REGEX
 * </pre>
 */
public final class Main {

    private static final int PASSED = 0;
    private static final int FAILED = 1;
    private static final int USAGE = 2;
    private static final String USAGE_TEXT = "usage: references JAR | links JAR API-CLASSPATH FALLBACK-CLASSPATH"
            + " | unit-tests TEST-CLASSES-DIR CLASS-NAME-REGEX";

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws IOException {
        if (args.length == 0) {
            out.println(USAGE_TEXT);
            return USAGE;
        }
        out.println("[james39] java " + System.getProperty("java.version") + " at " + System.getProperty("java.home"));
        switch (args[0]) {
            case "references":
                return args.length == 2 ? references(existing(args[1]), out) : usage(out);
            case "links":
                return args.length == 4 ? links(existing(args[1]), classPath(args[2]), classPath(args[3]), out) : usage(out);
            case "unit-tests":
                return args.length == 3 ? unitTests(existing(args[1]), args[2], out) : usage(out);
            default:
                return usage(out);
        }
    }

    static int references(Path jar, PrintStream out) throws IOException {
        List<ReferenceScan.Finding> findings = ReferenceScan.scan(jar);
        long classes = ReferenceScan.classCount(jar);
        if (findings.isEmpty()) {
            out.println("[james39] reference scan passed: " + classes + " classes of " + jar.getFileName()
                    + " name none of " + ReferenceScan.FORBIDDEN);
            return PASSED;
        }
        out.println("[james39] reference scan FAILED: " + findings.size() + " reference(s) to " + ReferenceScan.FORBIDDEN
                + " in " + jar.getFileName() + ":");
        findings.forEach(finding -> out.println("  " + finding));
        return FAILED;
    }

    static int links(Path jar, List<Path> api, List<Path> fallback, PrintStream out) throws IOException {
        LinkCheck.Report report = LinkCheck.check(jar, api, fallback);
        out.println("[james39] " + report.fallbackUses().size() + " class(es) checked against the fallback jars "
                + fallback.stream().map(Path::getFileName).toList() + " (API absent at the target version here):");
        for (Map.Entry<String, Set<String>> use : report.fallbackUses().entrySet()) {
            out.println("  " + use.getKey() + " uses " + use.getValue());
        }
        if (report.problems().isEmpty()) {
            out.println("[james39] link check passed: " + report.classes() + " classes of " + jar.getFileName()
                    + " load, verify and resolve against " + api.size() + " API jars");
            return PASSED;
        }
        out.println("[james39] link check FAILED: " + report.problems().size() + " linkage error(s) in "
                + jar.getFileName() + ":");
        report.problems().forEach(problem -> out.println("  " + problem));
        return FAILED;
    }

    static int unitTests(Path testClasses, String classNamePattern, PrintStream out) {
        out.println("[james39] unit tests under " + testClasses + " matching " + classNamePattern);
        UnitTestRun.Outcome outcome = UnitTestRun.run(testClasses, classNamePattern, out);
        UnitTestRun.print(outcome, out);
        out.println(outcome.passed()
                ? "[james39] unit tests passed: " + outcome.summary().getTestsSucceededCount() + " tests"
                : "[james39] unit tests FAILED (a failure, a skipped test, or no test found)");
        return outcome.passed() ? PASSED : FAILED;
    }

    private static int usage(PrintStream out) {
        out.println(USAGE_TEXT);
        return USAGE;
    }

    private static Path existing(String path) {
        Path file = Path.of(path);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no such file: " + path);
        }
        return file;
    }

    /** A class path as Maven writes it; empty entries are dropped, missing files are an error. */
    private static List<Path> classPath(String classPath) {
        List<Path> paths = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                paths.add(existing(entry));
            }
        }
        return paths;
    }
}
