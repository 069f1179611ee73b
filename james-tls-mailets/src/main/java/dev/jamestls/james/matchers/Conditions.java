package dev.jamestls.james.matchers;

import java.util.Optional;

import javax.mail.MessagingException;

import dev.jamestls.parameters.ParameterSpec;


/** A matcher's condition read with its specification ({@link dev.jamestls.parameters.MatcherConditions}), as {@code check} reads it. */
final class Conditions {
    private Conditions() {
    }

    /**
     * @param matcher the matcher's simple class name
     * @param condition the configured condition, null when there is none
     * @throws MessagingException {@code matcher <name>: invalid condition '<value>': ...; accepted: ...}
     */
    static <T> T parse(String matcher, String condition, ParameterSpec<T> spec) throws MessagingException {
        try {
            return spec.parse(Optional.ofNullable(condition).map(String::trim).orElse(""));
        } catch (IllegalArgumentException e) {
            throw new MessagingException("matcher " + matcher + ": " + e.getMessage(), e);
        }
    }
}
