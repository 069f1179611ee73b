package dev.jamestls.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines james-tls logs to the sandbox's {@code var/log/james-tls.log} after a point (the demo's start): each
 * delivery attempt of TlsRemoteDelivery is one {@code outbound-tls domain=... source=... resultType=...} line.
 */
public final class JamesTlsLog {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)");
    private final Path file;
    private final long start;

    private JamesTlsLog(Path file, long start) {
        this.file = file;
        this.start = start;
    }

    /** Lines written from now on. */
    public static JamesTlsLog from(Path file) throws IOException {
        return new JamesTlsLog(file, Files.exists(file) ? Files.size(file) : 0);
    }

    /** The delivery attempts logged since {@link #from} for {@code domain}, oldest first, as their fields. */
    public List<Map<String, String>> attempts(String domain) throws IOException {
        List<Map<String, String>> attempts = new ArrayList<>();
        if (!Files.exists(file)) {
            return attempts;
        }
        String text;
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(Math.min(start, Files.size(file)));
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String marker = "outbound-tls domain=" + domain + " ";
        for (String line : text.split("\n")) {
            int at = line.indexOf(marker);
            if (at >= 0) {
                attempts.add(fields(line.substring(at + "outbound-tls ".length())));
            }
        }
        return attempts;
    }

    static Map<String, String> fields(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(text);
        while (matcher.find()) {
            String value = matcher.group(2);
            fields.putIfAbsent(matcher.group(1), value.startsWith("\"")
                ? value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\") : value);
        }
        return fields;
    }
}
