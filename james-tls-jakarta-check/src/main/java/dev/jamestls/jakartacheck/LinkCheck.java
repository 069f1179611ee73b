package dev.jamestls.jakartacheck;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads, links and resolves every class of a jar against a given set of API
 * jars, without initialising anything (no static initialiser runs).
 *
 * <p>Class loaders, parent first: the JDK's platform classes, then the API
 * jars, then the fallback jars (API that is absent at the target version but
 * unchanged there), then the jar under test. For each class of the jar:
 * <ol>
 *   <li>load it: its superclass and interfaces must resolve;</li>
 *   <li>link it ({@link Class#getDeclaredMethods()} links the class, which
 *       runs the bytecode verifier, JVMS §5.4.1);</li>
 *   <li>resolve every class it names, and every field and method reference
 *       in its constant pool by the lookup rules of JVMS §5.4.3.2–§5.4.3.4.</li>
 * </ol>
 * Access checks (JVMS §5.4.4) and static/instance mismatches are not checked.
 */
public final class LinkCheck {

    private static final String MODULE_INFO = "module-info.class";
    private static final String VERSIONED = "META-INF/versions/";

    /** One linkage error: our class, what it could not link, and why. */
    public record Problem(String className, String symbol, String reason) {
        @Override
        public String toString() {
            return className + ": " + reason + " " + symbol;
        }
    }

    /**
     * The outcome for one jar.
     *
     * @param classes      the number of classes checked
     * @param problems     linkage errors, empty when every class links
     * @param fallbackUses per class of the jar, the classes it resolved from the fallback jars
     */
    public record Report(int classes, List<Problem> problems, SortedMap<String, Set<String>> fallbackUses) {
        public Report {
            problems = List.copyOf(problems);
            fallbackUses = new TreeMap<>(fallbackUses);
        }
    }

    private final Map<Class<?>, Set<String>> declaredMembers = new HashMap<>();

    private LinkCheck() {
    }

    /**
     * Checks every class of {@code jar}.
     *
     * @param api      the jars of the target version
     * @param fallback jars consulted after {@code api}; the classes that need them are listed in the report
     */
    public static Report check(Path jar, List<Path> api, List<Path> fallback) throws IOException {
        List<ConstantPool> pools = readClasses(jar);
        try (URLClassLoader apiLoader = new URLClassLoader("api", urls(api), ClassLoader.getPlatformClassLoader());
             URLClassLoader fallbackLoader = new URLClassLoader("fallback", urls(fallback), apiLoader);
             URLClassLoader jarLoader = new URLClassLoader("checked", urls(List.of(jar)), fallbackLoader)) {
            LinkCheck check = new LinkCheck();
            List<Problem> problems = new ArrayList<>();
            SortedMap<String, Set<String>> fallbackUses = new TreeMap<>();
            for (ConstantPool pool : pools) {
                check.checkClass(pool, jarLoader, fallbackLoader, problems, fallbackUses);
            }
            return new Report(pools.size(), problems, fallbackUses);
        }
    }

    private void checkClass(ConstantPool pool, ClassLoader jarLoader, ClassLoader fallbackLoader,
                            List<Problem> problems, SortedMap<String, Set<String>> fallbackUses) {
        String name = binaryName(pool.className());
        Class<?> type;
        try {
            type = Class.forName(name, false, jarLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            problems.add(new Problem(name, describe(e), "does not load:"));
            return;
        }
        try {
            type.getDeclaredFields();
            type.getDeclaredMethods();
            type.getDeclaredConstructors();
        } catch (LinkageError e) {
            problems.add(new Problem(name, describe(e), "does not link:"));
            return;
        }
        Set<String> unresolvedTypes = new TreeSet<>();
        for (String referenced : pool.referencedTypes()) {
            try {
                Class<?> resolved = Class.forName(binaryName(referenced), false, jarLoader);
                if (resolved.getClassLoader() == fallbackLoader) {
                    fallbackUses.computeIfAbsent(name, key -> new TreeSet<>()).add(resolved.getName());
                }
            } catch (ClassNotFoundException | LinkageError e) {
                unresolvedTypes.add(referenced);
                problems.add(new Problem(name, binaryName(referenced), "missing class"));
            }
        }
        for (ConstantPool.MemberRef member : pool.members()) {
            if (member.owner().startsWith("[") || unresolvedTypes.contains(member.owner())) {
                continue; // array pseudo-methods (clone) always resolve; a missing owner is reported once
            }
            try {
                Class<?> owner = Class.forName(binaryName(member.owner()), false, jarLoader);
                String failure = resolve(owner, member);
                if (failure != null) {
                    problems.add(new Problem(name, member.toString(), failure));
                }
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add(new Problem(name, member.toString(), "cannot resolve (" + describe(e) + ")"));
            }
        }
    }

    /** Null when the reference resolves, else the reason it does not. */
    private String resolve(Class<?> owner, ConstantPool.MemberRef member) {
        String key = member.name() + member.descriptor();
        switch (member.kind()) {
            case FIELD:
                return findField(owner, key) ? null : "missing field";
            case METHOD:
                if (owner.isInterface()) {
                    return "incompatible class change (interface, expected a class) for"; // JVMS §5.4.3.3
                }
                if (member.name().equals("<init>")) {
                    return declared(owner).contains(key) ? null : "missing constructor";
                }
                if (isSignaturePolymorphic(owner, member.name())) {
                    return null; // JVMS §2.9.3: any descriptor matches
                }
                return findClassMethod(owner, key) ? null : "missing method";
            case INTERFACE_METHOD:
                if (!owner.isInterface()) {
                    return "incompatible class change (class, expected an interface) for"; // JVMS §5.4.3.4
                }
                return findInterfaceMethod(owner, key) || declared(Object.class).contains(key) ? null : "missing method";
            default:
                throw new IllegalStateException("unknown reference kind " + member.kind());
        }
    }

    // JVMS §5.4.3.2: the class, its superinterfaces, then its superclass.
    private boolean findField(Class<?> type, String key) {
        if (declared(type).contains(key)) {
            return true;
        }
        for (Class<?> parent : type.getInterfaces()) {
            if (findField(parent, key)) {
                return true;
            }
        }
        return type.getSuperclass() != null && findField(type.getSuperclass(), key);
    }

    // JVMS §5.4.3.3: the class and its superclasses, then every superinterface.
    private boolean findClassMethod(Class<?> owner, String key) {
        for (Class<?> type = owner; type != null; type = type.getSuperclass()) {
            if (declared(type).contains(key)) {
                return true;
            }
        }
        for (Class<?> type = owner; type != null; type = type.getSuperclass()) {
            for (Class<?> parent : type.getInterfaces()) {
                if (findInterfaceMethod(parent, key)) {
                    return true;
                }
            }
        }
        return false;
    }

    // JVMS §5.4.3.4: the interface, then its superinterfaces.
    private boolean findInterfaceMethod(Class<?> type, String key) {
        if (declared(type).contains(key)) {
            return true;
        }
        for (Class<?> parent : type.getInterfaces()) {
            if (findInterfaceMethod(parent, key)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSignaturePolymorphic(Class<?> owner, String name) {
        if (owner != java.lang.invoke.MethodHandle.class && owner != java.lang.invoke.VarHandle.class) {
            return false;
        }
        for (Method method : owner.getDeclaredMethods()) {
            if (method.getName().equals(name) && method.isVarArgs() && Modifier.isNative(method.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    /** The declared fields, methods and constructors of a class as name + descriptor. */
    private Set<String> declared(Class<?> type) {
        return declaredMembers.computeIfAbsent(type, key -> {
            Set<String> members = new TreeSet<>();
            for (Field field : key.getDeclaredFields()) {
                members.add(field.getName() + field.getType().descriptorString());
            }
            for (Method method : key.getDeclaredMethods()) {
                members.add(method.getName() + descriptor(method, method.getReturnType()));
            }
            for (Constructor<?> constructor : key.getDeclaredConstructors()) {
                members.add("<init>" + descriptor(constructor, void.class));
            }
            return members;
        });
    }

    private static String descriptor(Executable executable, Class<?> returnType) {
        StringBuilder descriptor = new StringBuilder("(");
        for (Class<?> parameter : executable.getParameterTypes()) {
            descriptor.append(parameter.descriptorString());
        }
        return descriptor.append(')').append(returnType.descriptorString()).toString();
    }

    private static List<ConstantPool> readClasses(Path jar) throws IOException {
        List<ConstantPool> pools = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String name = entry.getName();
                if (!name.endsWith(".class") || name.endsWith(MODULE_INFO) || name.startsWith(VERSIONED)) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    pools.add(ConstantPool.read(jar + "!" + name, in.readAllBytes()));
                }
            }
        }
        return pools;
    }

    private static URL[] urls(List<Path> paths) throws MalformedURLException {
        URL[] urls = new URL[paths.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = paths.get(i).toUri().toURL();
        }
        return urls;
    }

    private static String binaryName(String internalName) {
        return internalName.replace('/', '.');
    }

    private static String describe(Throwable e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage().replace('/', '.');
        return e.getClass().getSimpleName() + message;
    }
}
