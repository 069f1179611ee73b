package dev.jamestls.parameters;

import java.util.Objects;
import java.util.Optional;

/**
 * One init parameter of one of our James components (or a matcher's condition), declared once and read
 * by both sides: the component's {@code init()} parses its configured value with it, and {@code check}
 * validates {@code mailetcontainer.xml} / {@code smtpserver.xml} with it, so both accept the same values,
 * apply the same default and refuse a bad value with the same words.
 *
 * <p>A refused value reads {@code invalid <name> '<value>': <what is wrong>; accepted: <accepted forms>}.
 * A parser may say what is wrong (its exception's message); when that message already ends with
 * {@code "; accepted: " + accepted}, as the policy parsers' messages do, the forms are not repeated.
 *
 * @param name the parameter (child element) name; {@code condition} for a matcher's condition
 * @param defaultValue the value that applies when the parameter is absent, as configured text; empty when
 *     the parameter is optional without a value (its description says what applies then)
 * @param parser turns configured text into the component's value; throws {@link IllegalArgumentException}
 * @param accepted the accepted forms, for messages and the reference
 * @param description what the parameter does, for the reference
 * @param blankIsUnset whether an empty element counts as absent (the default applies) rather than as a value
 * @param <T> the parsed value
 */
public record ParameterSpec<T>(String name, Optional<String> defaultValue, Parser<T> parser, String accepted,
                               String description, boolean blankIsUnset) {

    /** Configured text to a value; throws {@link IllegalArgumentException} saying what is wrong (or nothing). */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(String value);
    }

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(parser, "parser");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(description, "description");
        if (name.isBlank() || accepted.isBlank()) {
            throw new IllegalArgumentException("a parameter needs a name and its accepted forms");
        }
    }

    /** A parameter with a default. */
    public static <T> ParameterSpec<T> of(String name, String defaultValue, Parser<T> parser, String accepted, String description) {
        return new ParameterSpec<>(name, Optional.of(defaultValue), parser, accepted, description, false);
    }

    /** A parameter without a default value: absent means the feature is off or derived (see its description). */
    public static <T> ParameterSpec<T> optional(String name, Parser<T> parser, String accepted, String description) {
        return new ParameterSpec<>(name, Optional.empty(), parser, accepted, description, false);
    }

    /** The same parameter, where an empty element counts as absent. */
    public ParameterSpec<T> unsetWhenBlank() {
        return new ParameterSpec<>(name, defaultValue, parser, accepted, description, true);
    }

    /**
     * The value of a configured text.
     *
     * @throws IllegalArgumentException {@code invalid <name> '<value>': ...; accepted: ...}
     */
    public T parse(String value) {
        try {
            return parser.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(problem(value, e.getMessage()), e);
        }
    }

    /**
     * The value that applies: the configured text parsed, else the default parsed, else empty.
     *
     * @param configured the configured text (trimmed), empty when the parameter is absent
     * @throws IllegalArgumentException as {@link #parse(String)}
     */
    public Optional<T> resolve(Optional<String> configured) {
        Optional<String> text = configured.filter(value -> !(blankIsUnset && value.isBlank())).or(() -> defaultValue);
        return text.map(this::parse);
    }

    /** Whether a configured text is set at all (an empty element of a {@link #blankIsUnset} parameter is not). */
    public boolean isSet(Optional<String> configured) {
        return configured.filter(value -> !(blankIsUnset && value.isBlank())).isPresent();
    }

    /** Validates a configured text as {@code check} does: refuses what {@link #parse} refuses. */
    public void check(String value) {
        if (!(blankIsUnset && value.isBlank())) {
            parse(value);
        }
    }

    /** {@code invalid <name> '<value>'[: <detail>]; accepted: <accepted>}. */
    public String problem(String value, String detail) {
        String suffix = "; accepted: " + accepted;
        String what = detail == null ? "" : detail.endsWith(suffix) ? detail.substring(0, detail.length() - suffix.length()) : detail;
        return "invalid " + name + " '" + value + "'" + (what.isEmpty() ? "" : ": " + what) + suffix;
    }

    // ---- parsers shared by several components

    /** {@code true} or {@code false}, nothing else (no "yes", no substring matching). */
    public static final String BOOLEAN_FORMS = "true, false";

    public static boolean strictBoolean(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException((String) null);
        };
    }

    /** The accepted forms of a whole number of at least {@code minimum}. */
    public static String wholeNumberForms(int minimum) {
        return "a whole number, " + minimum + " or more";
    }

    public static Parser<Integer> wholeNumber(int minimum) {
        return value -> {
            int parsed;
            try {
                parsed = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (parsed < minimum) {
                throw new IllegalArgumentException("must be " + minimum + " or more");
            }
            return parsed;
        };
    }

    /** A location James's file system resolves ({@code file://conf/...}, {@code classpath:...}, or a path). */
    public static String nonBlank(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("empty");
        }
        return value;
    }

    public static final String PROCESSOR_FORMS = "letters, digits, '.', '_', '-'";

    /** An optional processor some mail is sent to; blank is unset. */
    public static ParameterSpec<String> processor(String name, String description) {
        return optional(name, ParameterSpec::processorName, PROCESSOR_FORMS, description).unsetWhenBlank();
    }

    /** A mail repository URL, with its default. */
    public static ParameterSpec<String> repository(String name, String defaultUrl, String description) {
        return of(name, defaultUrl, ParameterSpec::repositoryUrl, "a mail repository URL <protocol>://<path>, e.g. " + defaultUrl,
            description);
    }

    /** What James's {@code MailRepositoryUrl.from} accepts: a protocol, {@code ://}, a path. */
    static String repositoryUrl(String value) {
        if (!value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException((String) null);
        }
        return value;
    }

    /** A processor or queue name. */
    public static String processorName(String value) {
        if (!value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException((String) null);
        }
        return value;
    }
}
