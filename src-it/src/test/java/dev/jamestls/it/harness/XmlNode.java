package dev.jamestls.it.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One immutable XML element of a test configuration file: its attributes in the order set, and its children
 * grouped by kind, the kinds in the order declared (or first added), so that the text written does not depend
 * on the order in which a test adds them. Text and attribute values are escaped.
 */
record XmlNode(String name, Map<String, String> attributes, Map<String, List<String>> children) {
    XmlNode {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        Map<String, List<String>> copy = new LinkedHashMap<>();
        children.forEach((kind, elements) -> copy.put(kind, List.copyOf(elements)));
        children = java.util.Collections.unmodifiableMap(copy);
    }

    /** An element without attributes whose children will be written kind by kind, in the order of {@code kinds}. */
    static XmlNode of(String name, String... kinds) {
        Map<String, List<String>> children = new LinkedHashMap<>();
        for (String kind : kinds) {
            children.put(kind, List.of());
        }
        return new XmlNode(name, Map.of(), children);
    }

    /** {@code <name>text</name>}. */
    static String text(String name, Object text) {
        return "<" + name + ">" + escape(String.valueOf(text)) + "</" + name + ">";
    }

    XmlNode attribute(String attribute, Object value) {
        Map<String, String> next = new LinkedHashMap<>(attributes);
        next.put(attribute, String.valueOf(value));
        return new XmlNode(name, next, children);
    }

    /** Adds {@code element} (written XML) after the children of its kind. */
    XmlNode add(String kind, String element) {
        Map<String, List<String>> next = new LinkedHashMap<>(children);
        List<String> elements = new ArrayList<>(next.getOrDefault(kind, List.of()));
        elements.add(element);
        next.put(kind, elements);
        return new XmlNode(name, attributes, next);
    }

    /** Adds {@code <kind>value</kind>} for each value, after the children of its kind. */
    XmlNode addText(String kind, Object... values) {
        XmlNode next = this;
        for (Object value : values) {
            next = next.add(kind, text(kind, value));
        }
        return next;
    }

    /** Makes {@code <kind>value</kind>} the only child of its kind. */
    XmlNode replaceText(String kind, Object value) {
        return replace(kind, text(kind, value));
    }

    /** Makes {@code element} the only child of its kind, in the place of the one it replaces. */
    XmlNode replace(String kind, String element) {
        Map<String, List<String>> next = new LinkedHashMap<>(children);
        next.put(kind, List.of(element));
        return new XmlNode(name, attributes, next);
    }

    boolean has(String kind) {
        return !children.getOrDefault(kind, List.of()).isEmpty();
    }

    /** The element, children indented by two spaces a level, without a trailing line break. */
    String xml() {
        String start = "<" + name + attributes.entrySet().stream()
            .map(attribute -> " " + attribute.getKey() + "=\"" + escape(attribute.getValue()) + "\"")
            .collect(Collectors.joining());
        List<String> elements = children.values().stream().flatMap(List::stream).toList();
        if (elements.isEmpty()) {
            return start + "/>";
        }
        return start + ">\n" + elements.stream().map(element -> element.indent(2)).collect(Collectors.joining()) + "</" + name + ">";
    }

    static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
