package dev.jamestls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The package graph of the shipped code is the one {@code docs/architecture.md}
 * draws: every import between our packages is allowed by the document's table,
 * every package is in the table and every row is a package, and the allowed
 * graph has no cycle.
 */
class ArchitectureTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path DOCUMENT = ROOT.resolve("docs/architecture.md");
    private static final List<Path> SOURCES = List.of(
        ROOT.resolve("james-tls-conf/src/main/java"), ROOT.resolve("james-tls-mailets/src/main/java"));
    private static final String SECTION = "## Packages and who may import whom";
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z.]+)` \\|[^|]*\\| ([^|]*) \\|$");
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.jamestls\\.([a-z.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.jamestls\\.((?:[a-z][a-z0-9]*\\.)*?[a-z][a-z0-9]*)\\.[A-Z]",
        Pattern.MULTILINE);

    @Test
    void everyImportBetweenOurPackagesIsOneTheDocumentAllows() throws IOException {
        Map<String, Set<String>> allowed = allowedImports();
        Map<String, Set<String>> actual = actualImports();

        assertThat(actual.keySet()).as("packages of the code vs rows of " + DOCUMENT).isEqualTo(allowed.keySet());
        List<String> forbidden = new ArrayList<>();
        actual.forEach((from, targets) -> targets.stream()
            .filter(to -> !allowed.get(from).contains(to))
            .forEach(to -> forbidden.add(from + " -> " + to)));
        assertThat(forbidden).as("imports the table of " + DOCUMENT + " does not allow").isEmpty();
    }

    @Test
    void theAllowedGraphHasNoCycle() throws IOException {
        Map<String, Set<String>> allowed = allowedImports();
        Set<String> done = new HashSet<>();
        for (String start : allowed.keySet()) {
            assertThat(cycleFrom(start, allowed, new ArrayList<>(), done)).as("cycle from " + start).isEmpty();
        }
    }

    private static List<String> cycleFrom(String node, Map<String, Set<String>> graph, List<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(node), path.size()));
            cycle.add(node);
            return cycle;
        }
        if (done.contains(node)) {
            return List.of();
        }
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            List<String> cycle = cycleFrom(next, graph, path, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.remove(path.size() - 1);
        done.add(node);
        return List.of();
    }

    /** The document's rows: package → the packages it may import. */
    private static Map<String, Set<String>> allowedImports() throws IOException {
        List<String> lines = Files.readAllLines(DOCUMENT, StandardCharsets.UTF_8);
        int start = lines.indexOf(SECTION);
        assertThat(start).as(DOCUMENT + " has the section '" + SECTION + "'").isNotNegative();
        Map<String, Set<String>> allowed = new TreeMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line.trim());
            if (row.matches()) {
                Set<String> targets = new TreeSet<>();
                Arrays.stream(row.group(2).split(","))
                    .map(String::trim)
                    .filter(cell -> cell.startsWith("`"))
                    .map(cell -> cell.replace("`", ""))
                    .forEach(targets::add);
                assertThat(allowed.put(row.group(1), targets)).as("row " + row.group(1) + " appears once").isNull();
            }
        }
        assertThat(allowed).as("package rows in " + DOCUMENT).isNotEmpty();
        return allowed;
    }

    /** The code's graph: package → the other packages of ours it imports. */
    private static Map<String, Set<String>> actualImports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path source : SOURCES) {
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                    String text = Files.readString(file, StandardCharsets.UTF_8);
                    Matcher declared = PACKAGE.matcher(text);
                    assertThat(declared.find()).as("package declaration of " + file).isTrue();
                    String from = declared.group(1);
                    Set<String> targets = graph.computeIfAbsent(from, key -> new TreeSet<>());
                    Matcher imported = IMPORT.matcher(text);
                    while (imported.find()) {
                        if (!imported.group(1).equals(from)) {
                            targets.add(imported.group(1));
                        }
                    }
                }
            }
        }
        return graph;
    }
}
