package dev.jamestls.policy.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A read-only XML element with the line and column where its start tag begins:
 * just enough DOM to validate configuration files and point at the line.
 *
 * @param name local name
 * @param attributes attributes in document order
 * @param children child elements
 * @param text concatenated character data, trimmed
 * @param line 1-based line of the start tag
 * @param column 1-based column of the start tag
 */
public record XmlElement(String name, Map<String, String> attributes, List<XmlElement> children, String text, int line, int column) {

    public XmlElement {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        children = List.copyOf(children);
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    /** Parse failure of a file that is not well-formed XML. */
    public static final class MalformedException extends Exception {
        private final int line;
        private final int column;

        MalformedException(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    /** Reads the document element of {@code file}. DTDs and external entities are refused. */
    public static XmlElement read(Path file) throws IOException, MalformedException {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader reader = factory.createXMLStreamReader(in);
            try {
                return readDocument(reader);
            } finally {
                reader.close();
            }
        } catch (XMLStreamException e) {
            Location location = e.getLocation();
            String message = e.getMessage();
            // The JDK prefixes "ParseError at [row,col]:[l,c]\nMessage: "; keep the message.
            int index = message == null ? -1 : message.indexOf("Message: ");
            String text = index >= 0 ? message.substring(index + "Message: ".length()) : String.valueOf(message);
            throw new MalformedException(text, location == null ? 0 : location.getLineNumber(),
                location == null ? 0 : location.getColumnNumber());
        }
    }

    private static XmlElement readDocument(XMLStreamReader reader) throws XMLStreamException {
        Deque<Builder> open = new ArrayDeque<>();
        XmlElement root = null;
        int line = 1;
        int column = 1;
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.START_ELEMENT -> {
                    Builder builder = new Builder(reader.getLocalName(), line, column);
                    for (int i = 0; i < reader.getAttributeCount(); i++) {
                        builder.attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
                    }
                    open.push(builder);
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (!open.isEmpty()) {
                        open.peek().text.append(reader.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    XmlElement element = open.pop().build();
                    if (open.isEmpty()) {
                        root = element;
                    } else {
                        open.peek().children.add(element);
                    }
                }
                default -> {
                }
            }
            // Where this event ends is where the next one (possibly a start tag) begins. After character
            // data the JDK's reader has already consumed the '<' of the next tag: step back one column.
            Location location = reader.getLocation();
            line = location.getLineNumber();
            column = location.getColumnNumber();
            if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.SPACE) && column > 1) {
                column--;
            }
        }
        return root;
    }

    private static final class Builder {
        final String name;
        final int line;
        final int column;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<XmlElement> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();

        Builder(String name, int line, int column) {
            this.name = name;
            this.line = line;
            this.column = column;
        }

        XmlElement build() {
            return new XmlElement(name, attributes, children, text.toString().trim(), line, column);
        }
    }
}
