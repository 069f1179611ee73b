package dev.jamestls.it.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.it.harness.SeparateJamesMain;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestSmtpServer;

/**
 * James killed (SIGKILL) or stopped (SIGTERM: mailets destroyed, delivery threads interrupted) while
 * TlsRemoteDelivery delivers to a slow destination, over James's persistent ActiveMQ queue (KahaDB): a James in
 * a JVM of its own ({@link SeparateJamesMain}) takes {@value #MAILS} mails; after the first have arrived it is
 * killed or stopped, mid-delivery, and a new James is started on the same working directory. Every mail arrives at least once; the duplicates (mails whose {@code 250} the killed James
 * never read, or never recorded in its queue) are counted and printed, bounded by what was in flight.
 */
class OutboundCrashSafetyTest {
    static final int MAILS = 20;
    static final int DELIVERY_THREADS = 4;
    static final String DOMAIN = "crash.example";
    static final String MX = "mx.crash.dest.example";
    static final Duration START = Duration.ofSeconds(120);

    TestSmtpServer destination;
    Process james;

    @AfterEach
    void stopEverything() throws Exception {
        if (james != null) {
            james.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        if (destination != null) {
            destination.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SIGKILL", "SIGTERM"})
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void everyMailArrivesAtLeastOnceWhenJamesStopsDuringDeliveries(String signal, @TempDir Path workingDirectory) throws Exception {
        destination = TestSmtpServer.builder(MX).withoutStartTls().dataDelay(Duration.ofMillis(1500)).start();
        int port = startJames(workingDirectory, "first");
        for (int i = 0; i < MAILS; i++) {
            try (SmtpTestClient client = SmtpTestClient.plain(port)) {
                assertThat(client.send("sender@james.local", "rcpt" + i + "@" + DOMAIN, "crash-" + i)).as(client.lastReply())
                    .isEqualTo(250);
            }
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
            .until(() -> destination.received().size() >= DELIVERY_THREADS && destination.messagesInProgress() > 0);

        if (signal.equals("SIGKILL")) {
            james.destroyForcibly();   // no shutdown hook, no @PreDestroy
        } else {
            james.destroy();   // James stops: mailets destroyed (delivery threads interrupted), queues closed
        }
        assertThat(james.waitFor(60, TimeUnit.SECONDS)).isTrue();
        int beforeKill = destination.received().size();
        startJames(workingDirectory, "second");

        List<String> expected = IntStream.range(0, MAILS).mapToObj(i -> "crash-" + i).toList();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
            .until(() -> subjects().keySet().containsAll(expected));
        // Let the restarted James finish anything it still redelivers before counting.
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> destination.messagesInProgress() == 0);

        Map<String, Long> counts = subjects();
        assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        long duplicates = counts.values().stream().mapToLong(count -> count - 1).sum();
        System.out.printf("crash safety (%s): %d mails, %d arrived before the stop, %d duplicates after the restart: %s%n",
            signal, MAILS, beforeKill, duplicates, counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList());
        assertThat(duplicates).as("at most the mails in flight at the kill are delivered twice")
            .isLessThanOrEqualTo(DELIVERY_THREADS);
    }

    private Map<String, Long> subjects() {
        return destination.received().stream()
            .map(received -> received.data().lines().filter(line -> line.startsWith("Subject: ")).findFirst().orElse(""))
            .map(line -> line.replace("Subject: ", ""))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static Path log(String name) throws java.io.IOException {
        return Files.createDirectories(Path.of("target", "crash-safety")).resolve(name + "-james.log");
    }

    private int startJames(Path workingDirectory, String name) throws Exception {
        Path portFile = workingDirectory.resolve(SeparateJamesMain.PORT_FILE);
        Files.deleteIfExists(portFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        james = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
            SeparateJamesMain.class.getName(), workingDirectory.toString(), DOMAIN, MX, String.valueOf(destination.port()))
            .redirectErrorStream(true)
            .redirectOutput(log(name).toFile())
            .start();
        await().atMost(START).pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(portFile) || !james.isAlive());
        assertThat(james.isAlive()).as("James (%s) started; see %s", name, log(name).toAbsolutePath()).isTrue();
        return Integer.parseInt(Files.readString(portFile).strip());
    }
}
