package dev.jamestls.jakartacheck;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds every reference to a package that James 3.9 no longer ships: in each
 * class's constant pool (class names, descriptors, signatures, annotations,
 * string constants such as {@code Class.forName} arguments) and in the names
 * and contents of {@code META-INF/services} files.
 */
public final class ReferenceScan {

    /**
     * The pre-jakarta packages, in internal and in binary form. James 3.9
     * replaced them by jakarta.mail, jakarta.inject, jakarta.activation,
     * jakarta.annotation and Angus Mail (org.eclipse.angus.mail).
     */
    public static final List<String> FORBIDDEN = List.of(
            "javax/mail", "javax.mail",
            "javax/inject", "javax.inject",
            "javax/activation", "javax.activation",
            "com/sun/mail", "com.sun.mail");

    private static final String SERVICES = "META-INF/services/";

    /** One forbidden reference: the jar entry and the text that names the package. */
    public record Finding(String entry, String reference) {
        @Override
        public String toString() {
            return entry + " refers to '" + reference + "'";
        }
    }

    private ReferenceScan() {
    }

    /** All forbidden references in the jar, in entry order; empty when the jar is clean. */
    public static List<Finding> scan(Path jar) throws IOException {
        List<Finding> findings = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                byte[] bytes;
                try (InputStream in = file.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                if (name.endsWith(".class")) {
                    for (String string : ConstantPool.read(jar + "!" + name, bytes).utf8()) {
                        addIfForbidden(name, string, findings);
                    }
                } else if (name.startsWith(SERVICES)) {
                    addIfForbidden(name, name.substring(SERVICES.length()), findings);
                    for (String line : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
                        addIfForbidden(name, line.strip(), findings);
                    }
                }
            }
        }
        return findings;
    }

    /** Counts the classes of a jar, for the report. */
    static long classCount(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().filter(entry -> entry.getName().endsWith(".class")).count();
        }
    }

    private static void addIfForbidden(String entry, String text, List<Finding> findings) {
        for (String prefix : FORBIDDEN) {
            if (text.contains(prefix)) {
                findings.add(new Finding(entry, text));
                return;
            }
        }
    }
}
