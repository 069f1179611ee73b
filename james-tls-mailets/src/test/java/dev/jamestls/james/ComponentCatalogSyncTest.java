package dev.jamestls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.Test;

import dev.jamestls.wiring.ComponentCatalog;

/**
 * The catalog that {@code james-tls check} validates configurations against
 * must describe exactly the components this jar ships.
 */
class ComponentCatalogSyncTest {

    @Test
    void everyCatalogEntryIsARealComponentOfItsKind() throws Exception {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            Class<?> type = Class.forName(component.className());
            Class<?> expected = switch (component.kind()) {
                case HOOK -> Hook.class;
                case MATCHER -> Matcher.class;
                case MAILET -> Mailet.class;
            };
            assertThat(expected.isAssignableFrom(type)).as(component.className() + " is a " + component.kind()).isTrue();
        }
    }

    @Test
    void everyShippedHookMatcherAndMailetIsInTheCatalog() throws Exception {
        Set<String> catalogued = ComponentCatalog.builtIn().components().stream()
            .map(ComponentCatalog.Component::className).collect(Collectors.toSet());
        assertThat(shippedComponents()).isSubsetOf(catalogued);
    }

    /** Public concrete hooks, matchers and mailets in the jar or folder our main classes come from. */
    private static List<String> shippedComponents() throws IOException, URISyntaxException, ClassNotFoundException {
        Path location = Path.of(dev.jamestls.james.smtp.TlsFactsHook.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            return components(location);
        }
        try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(location)) {
            return components(jar.getPath("/"));
        }
    }

    private static List<String> components(Path base) throws IOException, ClassNotFoundException {
        try (Stream<Path> files = Files.walk(base.resolve("dev/jamestls/james"))) {
            List<String> names = files.filter(file -> file.toString().endsWith(".class") && !file.toString().contains("$"))
                .map(file -> base.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", ""))
                .toList();
            List<String> components = new java.util.ArrayList<>();
            for (String name : names) {
                Class<?> type = Class.forName(name);
                boolean concrete = !type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers());
                if (concrete && java.lang.reflect.Modifier.isPublic(type.getModifiers())
                    && (Hook.class.isAssignableFrom(type) || Matcher.class.isAssignableFrom(type) || Mailet.class.isAssignableFrom(type))) {
                    components.add(name);
                }
            }
            assertThat(components).as("components found under " + base).isNotEmpty();
            return components;
        }
    }
}
