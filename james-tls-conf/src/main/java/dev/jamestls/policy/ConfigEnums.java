package dev.jamestls.policy;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Strict parsing of enums that carry their configuration spelling. */
final class ConfigEnums {
    private ConfigEnums() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, String fact, String value, Function<E, String> spelling) {
        for (E constant : type.getEnumConstants()) {
            if (spelling.apply(constant).equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + fact + " '" + value + "'; accepted: " + accepted(type, spelling));
    }

    static <E extends Enum<E>> String accepted(Class<E> type, Function<E, String> spelling) {
        return Arrays.stream(type.getEnumConstants()).map(spelling).collect(Collectors.joining(", "));
    }
}
