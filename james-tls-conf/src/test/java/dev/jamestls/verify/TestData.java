package dev.jamestls.verify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Locates shared test data and project documents, and reads the few formats they use. */
final class TestData {
    private static final int MAX_LEVELS = 8;

    private TestData() {
    }

    /**
     * {@code shared/testdata}, found by walking up from the working directory (CI has shared/ next to the
     * checkout). Fails, never skips, when it is missing.
     */
    static Path sharedTestdata() {
        return findUp(Path.of("shared", "testdata"), "shared test data (expected ../shared/testdata next to the checkout)");
    }

    /** A file of this repository, e.g. {@code docs/conformance.md}, found by walking up. */
    static Path projectFile(String relative) {
        return findUp(Path.of(relative), relative);
    }

    private static Path findUp(Path relative, String what) {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int level = 0; level < MAX_LEVELS && dir != null; level++, dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new AssertionError(what + " not found above " + System.getProperty("user.dir"));
    }

    /** PEM blocks of a file by label ("CRL", "CA CERTIFICATE", ...), DER bytes; the first of each label. */
    static Map<String, byte[]> pemBlocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher matcher = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----").matcher(text);
        Map<String, byte[]> blocks = new LinkedHashMap<>();
        while (matcher.find()) {
            blocks.putIfAbsent(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2)));
        }
        return blocks;
    }

    static java.security.cert.X509Certificate certificate(byte[] der) throws Exception {
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der));
    }

    /** A small JSON reader (objects, arrays, strings, numbers, booleans, null): enough for the expectation files. */
    static Object json(String text) {
        return new Json(text).value();
    }

    private static final class Json {
        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        Object value() {
            skip();
            char c = text.charAt(at);
            if (c == '{') {
                Map<String, Object> object = new LinkedHashMap<>();
                at++;
                skip();
                if (text.charAt(at) == '}') {
                    at++;
                    return object;
                }
                while (true) {
                    skip();
                    String key = (String) value();
                    skip();
                    at++; // ':'
                    object.put(key, value());
                    skip();
                    if (text.charAt(at++) == '}') {
                        return object;
                    }
                }
            }
            if (c == '[') {
                List<Object> array = new ArrayList<>();
                at++;
                skip();
                if (text.charAt(at) == ']') {
                    at++;
                    return array;
                }
                while (true) {
                    array.add(value());
                    skip();
                    if (text.charAt(at++) == ']') {
                        return array;
                    }
                }
            }
            if (c == '"') {
                StringBuilder out = new StringBuilder();
                at++;
                while (text.charAt(at) != '"') {
                    char ch = text.charAt(at++);
                    if (ch == '\\') {
                        char escaped = text.charAt(at++);
                        switch (escaped) {
                            case 'n' -> out.append('\n');
                            case 't' -> out.append('\t');
                            case 'u' -> {
                                out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                                at += 4;
                            }
                            default -> out.append(escaped);
                        }
                    } else {
                        out.append(ch);
                    }
                }
                at++;
                return out.toString();
            }
            if (text.startsWith("true", at)) {
                at += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("false", at)) {
                at += 5;
                return Boolean.FALSE;
            }
            if (text.startsWith("null", at)) {
                at += 4;
                return null;
            }
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            return Double.parseDouble(text.substring(start, at));
        }

        private void skip() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }
    }
}
