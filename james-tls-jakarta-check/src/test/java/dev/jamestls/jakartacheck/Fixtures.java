package dev.jamestls.jakartacheck;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** Class files compiled at test time from Java sources, and jars made of them. */
final class Fixtures {

    private Fixtures() {
    }

    /**
     * Compiles {@code sources} (class name → source) into {@code output}.
     *
     * @param classPath extra class-path directories, may be empty
     */
    static Path compile(Path output, Map<String, String> sources, Path... classPath) throws IOException {
        Path sourceDir = Files.createDirectories(output.resolveSibling(output.getFileName() + "-src"));
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", output.toString()));
        if (classPath.length > 0) {
            arguments.add("-cp");
            arguments.add(String.join(java.io.File.pathSeparator, Stream.of(classPath).map(Path::toString).toList()));
        }
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceDir.resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("fixture does not compile: " + sources.keySet());
        }
        return output;
    }

    /** A jar of the classes of {@code classes} whose internal names start with one of {@code packages}. */
    static Path jar(Path jar, Path classes, String... packages) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(file).toString().replace('\\', '/');
                if (Stream.of(packages).anyMatch(name::startsWith)) {
                    out.putNextEntry(new JarEntry(name));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** Adds a text entry to a new jar that also holds {@code classes}' classes in {@code packages}. */
    static Path jarWithText(Path jar, Path classes, String entry, String text, String... packages) throws IOException {
        Path base = jar(jar.resolveSibling("base-" + jar.getFileName()), classes, packages);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             java.util.jar.JarFile in = new java.util.jar.JarFile(base.toFile())) {
            for (JarEntry existing : in.stream().toList()) {
                out.putNextEntry(new JarEntry(existing.getName()));
                in.getInputStream(existing).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(entry));
            OutputStream body = out;
            body.write(text.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }
}
