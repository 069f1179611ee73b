package dev.jamestls.it.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.jamestls.sandbox.WebAdminClient;

/**
 * A copy of the laid-out sandbox in a temporary folder, started with its own
 * {@code run} script on free loopback ports, as a separate JVM. {@link #close()}
 * stops it (SIGTERM, then SIGKILL after a grace period, children included) and
 * deletes the copy, so no JVM outlives the test.
 */
final class SandboxProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);

    final Path home;
    final int smtpPort;
    final int smtpsPort;
    final int webAdminPort;
    /** Where James delivers partner.example and stripped.example mail (the demo's destinations). */
    final int partnerPort;
    final int strippedPort;
    /** Where the MX hosts of dane.example, dane-wrong.example and sts.example listen (the demo's destinations). */
    final int danePort;
    final int daneWrongPort;
    final int stsPort;
    final Path log;
    private final Process process;

    private SandboxProcess(Path home, List<Integer> ports, Path log, Process process) {
        this.home = home;
        this.smtpPort = ports.get(0);
        this.smtpsPort = ports.get(1);
        this.webAdminPort = ports.get(2);
        this.partnerPort = ports.get(3);
        this.strippedPort = ports.get(4);
        this.danePort = ports.get(5);
        this.daneWrongPort = ports.get(6);
        this.stsPort = ports.get(7);
        this.log = log;
        this.process = process;
    }

    /**
     * Copies {@code sandbox} and starts it; returns once SMTP greets on both
     * listeners and WebAdmin lists postmaster@james.local.
     *
     * @throws IllegalStateException with the process log when it does not come up in time
     */
    static SandboxProcess start(Path sandbox) throws IOException, InterruptedException {
        if (!Files.isExecutable(sandbox.resolve("run"))) {
            throw new IllegalStateException("no sandbox at " + sandbox + " (run 'mvn package' first)");
        }
        Path home = Files.createTempDirectory("james-tls-sandbox-");
        copy(sandbox, home);
        List<Integer> ports = freePorts(8);
        Path log = home.resolve("james.log");
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("run").toString(),
            "--smtp-port", ports.get(0).toString(),
            "--smtps-port", ports.get(1).toString(),
            "--webadmin-port", ports.get(2).toString(),
            "--partner-port", ports.get(3).toString(),
            "--stripped-port", ports.get(4).toString(),
            "--dane-port", ports.get(5).toString(),
            "--dane-wrong-port", ports.get(6).toString(),
            "--sts-port", ports.get(7).toString())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("JAMES_TLS_"));
        SandboxProcess sandboxProcess = new SandboxProcess(home, ports, log, builder.start());
        try {
            sandboxProcess.awaitReady();
            return sandboxProcess;
        } catch (RuntimeException | IOException | InterruptedException e) {
            sandboxProcess.close();
            throw e;
        }
    }

    private void awaitReady() throws InterruptedException, IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        WebAdminClient webAdmin = webAdmin();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the sandbox exited with status " + process.exitValue()
                    + " before it was ready; its log:\n" + logText());
            }
            if (greets(smtpPort) && webAdmin.isUp() && webAdmin.users().contains("postmaster@james.local")) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the sandbox did not answer SMTP on 127.0.0.1:" + smtpPort
                    + " and WebAdmin on 127.0.0.1:" + webAdminPort + " within " + START_TIMEOUT.toSeconds()
                    + " s; its log:\n" + logText());
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Whether an SMTP server on this loopback port sends its 220 greeting (RFC 5321 §4.3.1). */
    private static boolean greets(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(5000);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String greeting = reader.readLine();
            return greeting != null && greeting.startsWith("220");
        } catch (IOException e) {
            return false;
        }
    }

    WebAdminClient webAdmin() {
        return new WebAdminClient(webAdminPort, Duration.ofSeconds(10));
    }

    String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            stop();
        } finally {
            delete(home);
        }
    }

    private void stop() throws InterruptedException {
        List<ProcessHandle> family = new ArrayList<>();
        process.descendants().forEach(family::add);
        family.add(process.toHandle());
        family.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(STOP_GRACE);
        for (ProcessHandle member : family) {
            long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            try {
                member.onExit().get(remaining, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                member.destroyForcibly();
            }
        }
        if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("the sandbox JVM (pid " + process.pid() + ") did not stop");
        }
    }

    /** Free loopback TCP ports, all distinct (held open together while chosen). */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int index = 0; index < count; index++) {
                ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                socket.setReuseAddress(true);
                sockets.add(socket);
                ports.add(socket.getLocalPort());
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
                }
            });
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException error) throws IOException {
                Files.delete(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** What a sandbox script printed (stdout and stderr) and its exit code. */
    record Output(int exitCode, String text) {
        List<String> lines() {
            return text.lines().toList();
        }
    }

    /**
     * Runs one of the sandbox's scripts (e.g. {@code demo}) to completion,
     * bounded by {@link #START_TIMEOUT}; killed when it takes longer.
     */
    Output runScript(String script, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", home.resolve(script).toString()));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(home, script, ".out");
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
            .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("JAMES_TLS_"));
        Process run = builder.start();
        try {
            if (!run.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(script + " did not finish within " + START_TIMEOUT.toSeconds()
                    + " s; it printed:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Output(run.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
            run.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** The options that give {@code run} and {@code demo} the same destination ports. */
    List<String> destinationOptions(int partner) {
        return List.of("--partner-port", String.valueOf(partner), "--stripped-port", String.valueOf(strippedPort),
            "--dane-port", String.valueOf(danePort), "--dane-wrong-port", String.valueOf(daneWrongPort), "--sts-port", String.valueOf(stsPort));
    }

    Optional<String> logLine(String fragment) {
        return logText().lines().filter(line -> line.contains(fragment)).findFirst();
    }
}
