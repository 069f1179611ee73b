package dev.jamestls.policy.file;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Validates elements of one XML file against what a reader accepts, collecting every problem. */
final class XmlChecks {
    private final Path file;
    private final List<Problem> problems;

    XmlChecks(Path file, List<Problem> problems) {
        this.file = file;
        this.problems = problems;
    }

    Path file() {
        return file;
    }

    void error(XmlElement element, String subject, String message) {
        problems.add(Problem.error(file, element.line(), element.column(), subject, message));
    }

    void warning(XmlElement element, String subject, String message) {
        problems.add(Problem.warning(file, element.line(), element.column(), subject, message));
    }

    /** Reports attributes and child elements that {@code element} does not accept; text content where none is expected. */
    void allow(XmlElement element, List<String> attributes, List<String> children) {
        for (String attribute : element.attributes().keySet()) {
            if (!attributes.contains(attribute)) {
                error(element, subject(element, attribute), "unknown attribute '" + attribute + "'; accepted: "
                    + (attributes.isEmpty() ? "none" : String.join(", ", attributes)));
            }
        }
        for (XmlElement child : element.children()) {
            if (!children.contains(child.name())) {
                error(child, "<" + child.name() + ">", "unknown element in <" + element.name() + ">; accepted: "
                    + (children.isEmpty() ? "none" : String.join(", ", children.stream().map(c -> "<" + c + ">").toList())));
            }
        }
        boolean container = !children.isEmpty() || !attributes.isEmpty();
        if (container && !element.text().isEmpty()) {
            error(element, "<" + element.name() + ">", "unexpected text '" + element.text() + "'; this element has no text content");
        }
    }

    /** Reports every child element of a text-only element. */
    void textOnly(XmlElement element) {
        allow(element, List.of(), List.of());
    }

    Optional<String> attribute(XmlElement element, String name) {
        return Optional.ofNullable(element.attributes().get(name));
    }

    Optional<String> required(XmlElement element, String name, String accepted) {
        Optional<String> value = attribute(element, name);
        if (value.isEmpty()) {
            error(element, "<" + element.name() + ">", "attribute '" + name + "' is required; accepted: " + accepted);
        }
        return value;
    }

    /** Parses an attribute; a parse failure is reported with the bad value and yields empty. */
    <T> Optional<T> parse(XmlElement element, String name, Function<String, T> parser) {
        Optional<String> value = attribute(element, name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(value.get()));
        } catch (IllegalArgumentException e) {
            error(element, subject(element, name), e.getMessage());
            return Optional.empty();
        }
    }

    /** Parses a required attribute. */
    <T> Optional<T> parseRequired(XmlElement element, String name, String accepted, Function<String, T> parser) {
        if (required(element, name, accepted).isEmpty()) {
            return Optional.empty();
        }
        return parse(element, name, parser);
    }

    /** Parses the text of a text-only element. */
    <T> Optional<T> parseText(XmlElement element, Function<String, T> parser) {
        textOnly(element);
        try {
            return Optional.of(parser.apply(element.text()));
        } catch (IllegalArgumentException e) {
            error(element, "<" + element.name() + ">", e.getMessage());
            return Optional.empty();
        }
    }

    /** Strict boolean: exactly {@code true} or {@code false}. */
    static boolean parseBoolean(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("not a boolean '" + value + "'; accepted: true, false");
        };
    }

    static String subject(XmlElement element, String attribute) {
        return "<" + element.name() + " " + attribute + "=\"" + element.attributes().get(attribute) + "\">";
    }
}
