package dev.jamestls.jakartacheck;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the JUnit tests found in one class-path root (the transformed test
 * classes of james-tls-mailets) in this JVM, whose class path holds the James
 * 3.9.0 fakes. Fails when a test fails, when a container fails, or when no test
 * ran at all: an empty run proves nothing.
 */
public final class UnitTestRun {

    private UnitTestRun() {
    }

    /** The summary of a run; {@link #passed()} decides the build. */
    public record Outcome(TestExecutionSummary summary) {
        public boolean passed() {
            return summary.getTestsFoundCount() > 0
                    && summary.getTotalFailureCount() == 0
                    && summary.getTestsSkippedCount() == 0;
        }
    }

    /**
     * Discovers and runs the tests under {@code testClasses}.
     *
     * @param classNamePattern regular expression over fully qualified class names
     */
    public static Outcome run(Path testClasses, String classNamePattern, PrintStream out) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClasspathRoots(Set.of(testClasses)))
                .filters(includeClassNamePatterns(classNamePattern))
                .build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary, new EachTest(out));
        return new Outcome(summary.getSummary());
    }

    /** Prints the failures and the counts. */
    static void print(Outcome outcome, PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true);
        outcome.summary().printFailuresTo(writer, 20);
        outcome.summary().printTo(writer);
        writer.flush();
    }

    /** One line per finished test, so the log shows what ran on which JVM. */
    private record EachTest(PrintStream out) implements TestExecutionListener {
        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (test.isTest()) {
                out.println("  " + result.getStatus() + "  " + name(test));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            out.println("  SKIPPED  " + name(test) + " (" + reason + ")");
        }

        private static String name(TestIdentifier test) {
            return test.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(MethodSource.class::cast)
                    .map(method -> method.getClassName() + "." + method.getMethodName() + " " + test.getDisplayName())
                    .orElse(test.getUniqueId());
        }
    }
}
