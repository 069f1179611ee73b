package dev.jamestls.policy.file;

import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${sys:name}} and {@code ${sys:name:-default}} in a policy value or a component parameter: a Java
 * system property of James's JVM, written as James's own XML files write it
 * ({@code <bind>0.0.0.0:${sys:smtp.port}</bind>}), with a default for when the
 * property is not set (the {@code check} command's JVM, for one). A reference
 * to a property that is not set and has no default is an error, never an empty value.
 */
public final class SystemPropertyReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{sys:([A-Za-z0-9._-]+)(?::-([^}]*))?}");

    private SystemPropertyReferences() {
    }

    /**
     * @param lookup a system property by name, null when not set
     * @throws IllegalArgumentException naming the property, the value and the accepted forms
     */
    public static String resolve(String value, UnaryOperator<String> lookup) {
        Matcher matcher = REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String property = lookup.apply(matcher.group(1));
            if (property == null && matcher.group(2) == null) {
                throw new IllegalArgumentException("system property '" + matcher.group(1) + "' of '" + value
                    + "' is not set; accepted: set it (-D" + matcher.group(1) + "=... or conf/jvm.properties), or give a default: ${sys:"
                    + matcher.group(1) + ":-default}");
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(property != null ? property : matcher.group(2)));
        }
        matcher.appendTail(resolved);
        if (resolved.indexOf("${") >= 0) {
            throw new IllegalArgumentException("unknown reference in '" + value + "'; accepted: ${sys:name} or ${sys:name:-default}");
        }
        return resolved.toString();
    }
}
