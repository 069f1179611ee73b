package dev.jamestls.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.jamestls.policy.file.Problem;
import dev.jamestls.wiring.ComponentCatalog;
import dev.jamestls.wiring.ConfigurationCheck;

/** {@code check <james-conf-dir> [--json]}. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Validate tls-policy.xml and its domain tables, our components in mailetcontainer.xml and smtpserver.xml, "
        + "STARTTLS and protocol versions on the SMTP listeners, keystores and the server certificate's expiry (30 days).")
final class CheckCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "<james-conf-dir>", description = "James's conf directory")
    Path confDir;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (!Files.isDirectory(confDir)) {
            throw usage("not a directory: " + confDir);
        }
        List<Problem> problems = new ConfigurationCheck(clock, ComponentCatalog.builtIn()).check(confDir);
        long errors = problems.stream().filter(Problem::isError).count();
        long warnings = problems.size() - errors;
        if (json) {
            out.println(Json.report(confDir, problems, errors, warnings));
        } else {
            printHuman(out, problems, errors, warnings);
        }
        return errors > 0 ? JamesTlsCli.ERRORS : JamesTlsCli.CLEAN;
    }

    private void printHuman(PrintWriter out, List<Problem> problems, long errors, long warnings) {
        Map<Path, List<Problem>> byFile = new LinkedHashMap<>();
        problems.forEach(p -> byFile.computeIfAbsent(p.file(), f -> new java.util.ArrayList<>()).add(p));
        byFile.forEach((file, list) -> {
            out.println(display(file));
            for (Problem problem : list) {
                String position = problem.position().isEmpty() ? "-" : problem.position();
                out.printf("  %-8s %-7s %s%n", position, problem.severity(), problem.detail());
            }
        });
        out.printf("%s: %d error%s, %d warning%s%n", confDir, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
    }

    private String display(Path file) {
        Path base = confDir.toAbsolutePath().normalize();
        Path absolute = file.toAbsolutePath().normalize();
        return absolute.startsWith(base) ? confDir.resolve(base.relativize(absolute)).toString() : file.toString();
    }
}
