package dev.jamestls.tls;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A closed vocabulary (an enum) whose constants each have one spelling, the same
 * in configuration, mail attributes, log lines, replies and JSON: by default the
 * constant's name in lower case with {@code -} for {@code _} ({@code SOFT_FAIL}
 * is {@code soft-fail}). Parsing is strict: only an exact spelling is accepted,
 * and an unknown one is an error that lists the accepted spellings.
 */
public interface Spelled {

    /** The constant's name (implemented by {@link Enum#name()}). */
    String name();

    default String spelling() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The constant of {@code type} spelt {@code value}; {@code what} names the vocabulary in the error. */
    static <E extends Enum<E> & Spelled> E parse(Class<E> type, String what, String value) {
        for (E constant : type.getEnumConstants()) {
            if (constant.spelling().equals(value)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + what + " '" + value + "'; accepted: " + accepted(type));
    }

    /** The accepted spellings in declaration order, comma-separated. */
    static <E extends Enum<E> & Spelled> String accepted(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).collect(Collectors.joining(", "));
    }
}
