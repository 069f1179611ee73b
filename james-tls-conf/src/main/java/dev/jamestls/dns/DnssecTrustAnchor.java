package dev.jamestls.dns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNSSEC trust anchors validation starts from (RFC 4033 §3, RFC 4035 §4.4): DS or DNSKEY records in
 * zone-file form (RFC 1035 §5.1), one record per line or spread over lines in parentheses, {@code ;}
 * comments. {@link #ianaRoot()} is the root zone's key-signing keys as IANA publishes them
 * ({@code https://data.iana.org/root-anchors/root-anchors.xml}: KSK-2017 and KSK-2024); an administrator
 * may name a file of their own ({@link #read(Path)}), e.g. for a private root or a root key rollover.
 *
 * @param source where the anchors came from, for messages
 * @param records the anchors in zone-file text, one record a line; at least one
 */
public record DnssecTrustAnchor(String source, List<String> records) {
    private static final String RESOURCE = "root-anchors.txt";
    private static final String ACCEPTED = "accepted: DS or DNSKEY records in zone-file form, "
        + "e.g. '. IN DS 20326 8 2 E06D44B8…'";
    private static final Pattern TOKENIZER_PREFIX = Pattern.compile("^.*?:\\d+: ");

    public DnssecTrustAnchor {
        Objects.requireNonNull(source, "source");
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("DNSSEC trust anchor " + source + " holds no record; " + ACCEPTED);
        }
    }

    /** The IANA root anchors shipped with james-tls. */
    public static DnssecTrustAnchor ianaRoot() {
        try (InputStream in = DnssecTrustAnchor.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE + " next to " + DnssecTrustAnchor.class);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII), "IANA root anchors (" + RESOURCE + ")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Reads an administrator's anchor file.
     *
     * @throws IllegalArgumentException naming the file (and the line) when it cannot be read or holds anything
     *     but DS and DNSKEY records
     */
    public static DnssecTrustAnchor read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("DNSSEC trust anchor file " + file + " cannot be read: " + e, e);
        }
        return parse(text, "file " + file);
    }

    /**
     * Parses anchors from zone-file text.
     *
     * @param source where the text came from (a file name), for messages
     * @throws IllegalArgumentException naming the source and the line of the first bad record
     */
    public static DnssecTrustAnchor parse(String text, String source) {
        List<String> records = new ArrayList<>();
        int depth = 0;
        int firstLine = 0;
        StringBuilder pending = new StringBuilder();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = withoutComment(lines[i]);
            if (depth == 0 && line.isBlank()) {
                continue;
            }
            if (depth == 0) {
                firstLine = i + 1;
                if (line.startsWith("$")) {
                    throw new IllegalArgumentException(
                        at(source, firstLine) + "directives such as '" + line.strip() + "' are not accepted; " + ACCEPTED);
                }
            }
            pending.append(line).append(' ');
            depth += count(line, '(') - count(line, ')');
            if (depth < 0) {
                throw new IllegalArgumentException(at(source, i + 1) + "')' without '('; " + ACCEPTED);
            }
            if (depth == 0) {
                records.add(parseRecord(pending.toString(), source, firstLine));
                pending.setLength(0);
            }
        }
        if (depth > 0) {
            throw new IllegalArgumentException(at(source, firstLine) + "'(' never closed; " + ACCEPTED);
        }
        return new DnssecTrustAnchor(source, records);
    }

    /** The anchors as one zone-file text, for {@code ValidatingResolver.loadTrustAnchors}. */
    String zoneText() {
        return String.join("\n", records) + "\n";
    }

    private static String parseRecord(String text, String source, int line) {
        Record record;
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root, 3600)) {
            record = master.nextRecord();
        } catch (IOException e) {
            String reason = TOKENIZER_PREFIX.matcher(String.valueOf(e.getMessage())).replaceFirst("");
            throw new IllegalArgumentException(at(source, line) + "not a record '" + text.strip() + "': " + reason + "; " + ACCEPTED, e);
        }
        if (record == null) {
            throw new IllegalArgumentException(at(source, line) + "not a record '" + text.strip() + "'; " + ACCEPTED);
        }
        if (record.getType() != Type.DS && record.getType() != Type.DNSKEY) {
            throw new IllegalArgumentException(at(source, line) + "a " + Type.string(record.getType())
                + " record is not a trust anchor; " + ACCEPTED);
        }
        if (record.getDClass() != DClass.IN) {
            throw new IllegalArgumentException(at(source, line) + "class " + DClass.string(record.getDClass())
                + " is not IN; " + ACCEPTED);
        }
        return record.toString();
    }

    private static String at(String source, int line) {
        return "DNSSEC trust anchor " + source + " line " + line + ": ";
    }

    private static String withoutComment(String line) {
        int semicolon = line.indexOf(';');
        return semicolon < 0 ? line : line.substring(0, semicolon);
    }

    private static int count(String line, char c) {
        return (int) line.chars().filter(ch -> ch == c).count();
    }
}
