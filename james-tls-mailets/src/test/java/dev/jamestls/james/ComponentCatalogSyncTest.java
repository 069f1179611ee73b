package dev.jamestls.james;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;
import org.junit.jupiter.api.Test;

import dev.jamestls.parameters.MatcherConditions;
import dev.jamestls.parameters.ParameterSpec;
import dev.jamestls.wiring.ComponentCatalog;

/**
 * The catalog that {@code james-tls check} validates configurations against
 * must describe exactly the components this jar ships: the same parameter names
 * and defaults, and every value {@code check} refuses is refused by the
 * component's {@code init()} with the same words and accepted forms.
 */
class ComponentCatalogSyncTest {
    /** Values that break one parameter or another; each parameter that checks its value refuses at least one. */
    private static final List<String> BAD_VALUES = List.of("", "x y:z", "-1", "0", "yes", "TLSv9", "BKS", "5 weeks", "[127.0.0.1]");
    /** Parameters that take any text, or any location: whether a file is there is known when James resolves it. */
    private static final Set<String> FREE_TEXT = Set.of("TlsRemoteDelivery.clientSecret", "TlsRemoteDelivery.clientCertificates",
        "TlsRemoteDelivery.clientPrivateKey", "TlsRemoteDelivery.clientKeystore");

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

    @Test
    void everyComponentDeclaresTheCatalogsParametersWithTheirDefaults() throws Exception {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            Class<?> type = Class.forName(component.className());
            if (component.kind() == ComponentCatalog.Kind.MATCHER) {
                Optional<ParameterSpec<?>> declared = component.condition().isPresent()
                    ? Optional.of((ParameterSpec<?>) constant(type, "CONDITION")) : Optional.empty();
                assertThat(declared.map(ComponentCatalogSyncTest::describe)).as(component.simpleName())
                    .isEqualTo(component.condition().map(ComponentCatalogSyncTest::describe));
                continue;
            }
            @SuppressWarnings("unchecked")
            List<ParameterSpec<?>> declared = (List<ParameterSpec<?>>) constant(type, "PARAMETERS");
            assertThat(declared.stream().map(ComponentCatalogSyncTest::describe).toList()).as(component.simpleName())
                .isEqualTo(component.parameters().values().stream().map(ComponentCatalogSyncTest::describe).toList());
        }
    }

    @Test
    void everyComponentRefusesAnUnknownParameterNamingTheCatalogsParameters() throws Exception {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            if (component.kind() == ComponentCatalog.Kind.MATCHER) {
                continue;
            }
            assertThat(refusal(component, "noSuchParameter", "1")).as(component.simpleName())
                .contains(label(component) + ": unknown parameter noSuchParameter; accepted: "
                    + (component.parameters().isEmpty() ? "none" : String.join(", ", new TreeSet<>(component.parameters().keySet()))));
        }
    }

    @Test
    void everyValueCheckRefusesIsRefusedByTheComponentWithTheSameAcceptedForms() throws Exception {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            for (ParameterSpec<?> parameter : component.parameters().values()) {
                assertRefusedAlike(component, parameter);
            }
        }
    }

    @Test
    void everyConditionCheckRefusesIsRefusedByTheMatcherWithTheSameAcceptedForms() throws Exception {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            if (component.kind() != ComponentCatalog.Kind.MATCHER) {
                continue;
            }
            if (component.condition().isPresent()) {
                assertRefusedAlike(component, component.condition().get());
            } else {
                assertThat(refusal(component, MatcherConditions.NAME, "yes")).as(component.simpleName())
                    .contains(label(component) + ": takes no condition");
            }
        }
    }

    private static void assertRefusedAlike(ComponentCatalog.Component component, ParameterSpec<?> parameter) throws Exception {
        String where = component.simpleName() + "." + parameter.name();
        int refused = 0;
        for (String value : BAD_VALUES) {
            Optional<String> byCheck = checkRefusal(parameter, value);
            if (byCheck.isEmpty()) {
                continue;
            }
            refused++;
            assertThat(byCheck.get()).as(where + " '" + value + "' by check").contains("accepted: " + parameter.accepted());
            assertThat(refusal(component, parameter.name(), value)).as(where + " '" + value + "' by the component")
                .contains(label(component) + ": " + byCheck.get());
        }
        if (!FREE_TEXT.contains(where)) {
            assertThat(refused).as(where + ": no bad value refused; add one to BAD_VALUES").isPositive();
        }
    }

    /** What {@code check} says of a value, as {@code ConfigurationCheck} asks the catalog. */
    private static Optional<String> checkRefusal(ParameterSpec<?> parameter, String value) {
        try {
            parameter.check(value);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The messages of the component's refusal at init, outermost first, joined; fails when it starts. */
    private static String refusal(ComponentCatalog.Component component, String name, String value) throws Exception {
        Class<?> type = Class.forName(component.className());
        try {
            switch (component.kind()) {
                case MAILET -> ((Mailet) instance(type)).init(FakeMailetConfig.builder().mailetName(component.simpleName())
                    .setProperty(name, value).build());
                case MATCHER -> ((Matcher) instance(type)).init(FakeMatcherConfig.builder().matcherName(component.simpleName())
                    .condition(value).build());
                case HOOK -> {
                    BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
                    configuration.addProperty(name, value);
                    ((Hook) instance(type)).init(configuration);
                }
            }
        } catch (MessagingException | ConfigurationException e) {
            return e.getMessage();
        }
        throw new AssertionError(component.simpleName() + " accepted " + name + "='" + value + "'");
    }

    private static String label(ComponentCatalog.Component component) {
        return component.kind() + " " + component.simpleName();
    }

    private static String describe(ParameterSpec<?> spec) {
        return spec.name() + " default=" + spec.defaultValue().orElse("(none)") + " accepted=" + spec.accepted()
            + " unsetWhenBlank=" + spec.blankIsUnset();
    }

    private static Object constant(Class<?> type, String name) throws ReflectiveOperationException {
        Field field = type.getField(name);
        field.setAccessible(true);
        return field.get(null);
    }

    /** The component built as Guice would, with nothing behind its collaborators: init must refuse before using them. */
    private static Object instance(Class<?> type) throws ReflectiveOperationException {
        Constructor<?> constructor = Arrays.stream(type.getConstructors()).max(Comparator.comparingInt(Constructor::getParameterCount))
            .orElseThrow();
        Object[] arguments = Arrays.stream(constructor.getParameterTypes())
            .map(parameter -> parameter == MetricFactory.class ? Proxy.newProxyInstance(MetricFactory.class.getClassLoader(),
                new Class<?>[] {MetricFactory.class}, (proxy, method, args) -> {
                    throw new AssertionError("init used metrics before refusing");
                }) : null)
            .toArray();
        return constructor.newInstance(arguments);
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
