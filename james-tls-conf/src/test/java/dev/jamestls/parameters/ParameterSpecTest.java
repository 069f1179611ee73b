package dev.jamestls.parameters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.jamestls.outbound.ConnectionReuse;
import dev.jamestls.wiring.ComponentCatalog;

class ParameterSpecTest {
    private static final ParameterSpec<Integer> THREADS = ParameterSpec.of("threads", "4", ParameterSpec.wholeNumber(1),
        ParameterSpec.wholeNumberForms(1), "threads");
    private static final ParameterSpec<String> QUEUE = ParameterSpec.optional("queue", ParameterSpec::processorName,
        ParameterSpec.PROCESSOR_FORMS, "queue").unsetWhenBlank();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "the parser says what is wrong     | threads | 0     | invalid threads '0': must be 1 or more; accepted: a whole number, 1 or more",
        "the parser says nothing           | queue   | a b   | invalid queue 'a b'; accepted: letters, digits, '.', '_', '-'",
        "the parser names the same forms   | idle    | 5 eon | invalid idle '5 eon': '5 eon': unknown unit 'eon'; accepted: " + ConnectionReuse.DURATION_FORMS,
    })
    void refusalNamesParameterValueAndAcceptedFormsOnce(String reason, String name, String value, String message) {
        ParameterSpec<?> spec = switch (name) {
            case "threads" -> THREADS;
            case "queue" -> QUEUE;
            default -> ParameterSpec.of("idle", "30 seconds", ConnectionReuse::parseDuration, ConnectionReuse.DURATION_FORMS, "idle");
        };

        assertThatThrownBy(() -> spec.parse(value)).as(reason).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> spec.check(value)).as(reason + ", as check reads it").hasMessage(message);
    }

    @Test
    void absentMeansTheDefaultAndBlankMeansAbsentOnlyWhereDeclared() {
        assertThat(THREADS.resolve(Optional.empty())).contains(4);
        assertThatThrownBy(() -> THREADS.resolve(Optional.of(""))).hasMessage("invalid threads '': not a whole number; "
            + "accepted: a whole number, 1 or more");
        assertThat(QUEUE.resolve(Optional.empty())).isEmpty();
        assertThat(QUEUE.resolve(Optional.of(""))).isEmpty();
        assertThat(QUEUE.isSet(Optional.of(""))).isFalse();
        assertThat(QUEUE.resolve(Optional.of("out.going"))).contains("out.going");
    }

    @Test
    void componentParametersRefuseUnknownNamesAndPrefixTheComponent() {
        Map<String, String> configured = Map.of("threads", "x");
        ConfiguredParameters parameters = ConfiguredParameters.of("mailet Demo", configured.keySet().iterator(), configured::get,
            List.of(THREADS, QUEUE));

        assertThatThrownBy(() -> parameters.value(THREADS))
            .hasMessage("mailet Demo: invalid threads 'x': not a whole number; accepted: a whole number, 1 or more");
        assertThatThrownBy(() -> ConfiguredParameters.of("mailet Demo", List.of("thread", "queues").iterator(), name -> "1",
            List.of(THREADS, QUEUE)))
            .hasMessage("mailet Demo: unknown parameters thread, queues; accepted: queue, threads");
    }

    @Test
    void everyCatalogDefaultIsAValueItsOwnParserAccepts() {
        for (ComponentCatalog.Component component : ComponentCatalog.builtIn().components()) {
            for (ParameterSpec<?> spec : component.parameters().values()) {
                spec.defaultValue().ifPresent(value -> assertThat(spec.resolve(Optional.empty()))
                    .as(component.simpleName() + "." + spec.name()).isPresent());
            }
            component.condition().flatMap(ParameterSpec::defaultValue).ifPresent(value -> component.condition().get().check(value));
        }
    }
}
