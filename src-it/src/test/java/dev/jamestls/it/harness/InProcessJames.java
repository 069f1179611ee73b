package dev.jamestls.it.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.io.FileUtils;
import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.modules.data.MemoryUsersRepositoryModule;
import org.apache.james.modules.server.MailQueueRoutesModule;
import org.apache.james.modules.server.NoJwtModule;
import org.apache.james.modules.server.WebAdminServerModule;
import org.apache.james.server.core.configuration.Configuration;
import org.apache.james.utils.GuiceProbe;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import com.google.inject.multibindings.Multibinder;
import com.google.inject.util.Modules;

import dev.jamestls.james.listener.CertificateWantedSmtpModule;

/**
 * A real James 3.8.1 (memory server, SMTP only) running in the test JVM with
 * our classes on its class path and a conf folder written for the test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static InProcessJames james = InProcessJames.builder()
 *     .listener(Listener.startTls("mx"))
 *     .handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>")
 *     .rootProcessor("<mailet match=\"All\" class=\"ToRepository\">...</mailet>")
 *     .build();
 * }</pre>
 */
public final class InProcessJames implements BeforeAllCallback, AfterAllCallback {
    private static final Duration MAIL_WAIT = Duration.ofSeconds(30);
    /** James's WebAdmin (random port, no authentication) with its mail queue and task routes, as in James's tests. */
    private static final com.google.inject.Module WEBADMIN_MAIL_QUEUES = Modules.override(
            Modules.combine(new WebAdminServerModule(), new MailQueueRoutesModule()))
        .with(MemoryJamesServerMain.WEBADMIN_NO_AUTH_MODULE, new NoJwtModule());
    /** James's WebAdmin as conf/webadmin.properties configures it (routes of extensions.routes included); no JWT. */
    private static final com.google.inject.Module WEBADMIN_FROM_CONF = Modules.override(new WebAdminServerModule())
        .with(new NoJwtModule());

    private final List<Listener> listeners;
    private final List<String> handlers;
    private final String rootProcessor;
    private final String extraProcessors;
    private final String authorizedAddresses;
    private final Map<String, String> extraFiles;
    private final List<com.google.inject.Module> bindings;
    private final Path sharedWorkingDirectory;
    private final boolean webAdmin;
    private final boolean webAdminFromConf;
    private final TestPki pki;
    private final FakeDns dns = new FakeDns();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Path workingDirectory;
    private GuiceJamesServer server;

    private InProcessJames(Builder builder) {
        this.listeners = List.copyOf(builder.listeners);
        this.handlers = List.copyOf(builder.handlers);
        this.rootProcessor = builder.rootProcessor;
        this.extraProcessors = builder.extraProcessors;
        this.authorizedAddresses = builder.authorizedAddresses;
        this.extraFiles = Map.copyOf(builder.extraFiles);
        this.pki = builder.pki != null ? builder.pki : new TestPki();
        this.bindings = List.copyOf(builder.bindings);
        this.sharedWorkingDirectory = builder.workingDirectory;
        this.webAdmin = builder.webAdmin || builder.webAdminFromConf;
        this.webAdminFromConf = builder.webAdminFromConf;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public void start() throws Exception {
        workingDirectory = sharedWorkingDirectory != null
            ? Files.createDirectories(sharedWorkingDirectory) : Files.createTempDirectory("james-tls-it-");
        for (Listener listener : listeners) {
            ports.put(listener.name(), freePort());
        }
        JamesConf.write(workingDirectory.resolve("conf"), pki, ports, listeners, handlers, rootProcessor,
            extraProcessors, authorizedAddresses, extraFiles);
        Configuration configuration = Configuration.builder().workingDirectory(workingDirectory.toFile()).build();
        server = GuiceJamesServer.forConfiguration(configuration)
            .combineWith(MemoryJamesServerMain.SMTP_ONLY_MODULE)
            .combineWith(new MemoryUsersRepositoryModule())
            .combineWith(listeners.stream().anyMatch(Listener::certificateWanted)
                ? new CertificateWantedSmtpModule() : binder -> { })
            .combineWith(webAdminFromConf ? WEBADMIN_FROM_CONF : webAdmin ? WEBADMIN_MAIL_QUEUES : binder -> { })
            .overrideWith(binder -> binder.bind(DNSService.class).toInstance(dns))
            .overrideWith(binder -> {
                Multibinder<GuiceProbe> probes = Multibinder.newSetBinder(binder, GuiceProbe.class);
                probes.addBinding().to(RepositoryProbe.class);
                probes.addBinding().to(MetricsProbe.class);
                probes.addBinding().to(QueueProbe.class);
            })
            .overrideWith(bindings.toArray(com.google.inject.Module[]::new));
        server.start();
    }

    public void stop() {
        if (server != null) {
            server.stop();
            server = null;
        }
        if (workingDirectory != null && sharedWorkingDirectory == null) {
            FileUtils.deleteQuietly(workingDirectory.toFile());
        }
    }

    public int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("no listener '" + listener + "'; listeners: " + ports.keySet());
        }
        return port;
    }

    public TestPki pki() {
        return pki;
    }

    public FakeDns dns() {
        return dns;
    }

    public Path confDirectory() {
        return workingDirectory.resolve("conf");
    }

    public long metric(String name) {
        return server.getProbe(MetricsProbe.class).count(name);
    }

    /** The value of James's gauge {@code name}, if one is registered. */
    public java.util.Optional<Object> gauge(String name) {
        return server.getProbe(MetricsProbe.class).gauge(name);
    }

    /** The port of James's WebAdmin; the James must be built with {@link Builder#webAdmin()}. */
    public int webAdminPort() {
        if (!webAdmin) {
            throw new IllegalStateException("this test James runs without WebAdmin; build it with webAdmin()");
        }
        return server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    public QueueProbe queues() {
        return server.getProbe(QueueProbe.class);
    }

    public RepositoryProbe repositories() {
        return server.getProbe(RepositoryProbe.class);
    }

    /** Waits (bounded) until the repository holds {@code count} mails, then returns them. */
    public List<StoredMail> awaitMails(String repositoryUrl, int count) {
        await().atMost(MAIL_WAIT).pollInterval(Duration.ofMillis(50))
            .until(() -> repositories().size(repositoryUrl) >= count);
        try {
            return repositories().mails(repositoryUrl);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + repositoryUrl, e);
        }
    }

    /** Waits (bounded) until the repository holds a mail that {@code wanted} accepts, and returns it. */
    public StoredMail awaitMail(String repositoryUrl, java.util.function.Predicate<StoredMail> wanted) {
        return await().atMost(MAIL_WAIT).pollInterval(Duration.ofMillis(100))
            .until(() -> repositories().mails(repositoryUrl).stream().filter(wanted).findFirst(), java.util.Optional::isPresent)
            .orElseThrow();
    }

    /** Waits (bounded) for the DSN about {@code recipient} (its {@code Final-Recipient} field) in the repository. */
    public StoredMail awaitDsnFor(String repositoryUrl, String recipient) {
        return awaitMail(repositoryUrl, mail -> mail.content().contains("Final-Recipient: rfc822; " + recipient));
    }

    public long size(String repositoryUrl) {
        try {
            return repositories().size(repositoryUrl);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + repositoryUrl, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public static final class Builder {
        private final List<Listener> listeners = new ArrayList<>();
        private final List<String> handlers = new ArrayList<>();
        private String rootProcessor = "";
        private String extraProcessors = "";
        private String authorizedAddresses = "";
        private final Map<String, String> extraFiles = new LinkedHashMap<>();
        private TestPki pki;
        private Path workingDirectory;
        private boolean webAdmin;
        private boolean webAdminFromConf;

        /** Use this PKI (e.g. because the policy file names its pins); a fresh one by default. */
        public Builder pki(TestPki testPki) {
            this.pki = testPki;
            return this;
        }
        private final List<com.google.inject.Module> bindings = new ArrayList<>();

        public Builder listener(Listener listener) {
            listeners.add(listener);
            return this;
        }

        /**
         * james-tls's SMTP hooks as an installation uses them: {@code TlsFactsHook} and
         * {@code InboundTlsPolicyHook} reading {@code conf/tls-policy.xml}, partner certificates
         * checked against the test root ({@code conf/ca.pem}).
         */
        public Builder jamesTlsHooks() {
            handler("<handler class=\"dev.jamestls.james.smtp.TlsFactsHook\"/>");
            return handler("""
                <handler class="dev.jamestls.james.smtp.InboundTlsPolicyHook">
                        <trustAnchors>file://conf/ca.pem</trustAnchors>
                      </handler>""");
        }

        /** A {@code <handler .../>} element for the handler chain of every listener. */
        public Builder handler(String handlerElement) {
            handlers.add(handlerElement);
            return this;
        }

        public Builder rootProcessor(String mailets) {
            this.rootProcessor = mailets;
            return this;
        }

        public Builder extraProcessors(String processors) {
            this.extraProcessors = processors;
            return this;
        }

        /** Networks allowed to relay (James's {@code authorizedAddresses}); none by default. */
        public Builder authorizedAddresses(String networks) {
            this.authorizedAddresses = networks;
            return this;
        }

        public Builder confFile(String name, String content) {
            extraFiles.put(name, content);
            return this;
        }

        /** Extra Guice bindings overriding James's (test seams such as the outbound endpoint map). */
        public Builder binding(com.google.inject.Module module) {
            bindings.add(module);
            return this;
        }

        /**
         * Run James in this directory (conf/ is written anew at each start) and keep it on stop(), so that
         * a James started again finds what the last one stored under var/ (e.g. a persistent mail queue).
         * The caller deletes it. A fresh temporary directory, deleted on stop(), by default.
         */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = directory;
            return this;
        }

        /** Also start James's WebAdmin (mail queue and task routes, random port, no authentication). */
        public Builder webAdmin() {
            this.webAdmin = true;
            return this;
        }

        /**
         * Start James's WebAdmin as an installation does: configured by the {@code webadmin.properties} the test gives
         * with {@link #confFile} (port 0 picks a free one; {@code extensions.routes} loads route classes); no JWT.
         */
        public Builder webAdminFromConf() {
            this.webAdminFromConf = true;
            return this;
        }

        public InProcessJames build() {
            if (listeners.isEmpty()) {
                throw new IllegalStateException("a test James needs at least one SMTP listener");
            }
            return new InProcessJames(this);
        }
    }
}
