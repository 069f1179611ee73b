package dev.jamestls.it.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.DoubleStream;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.TestSmtpServer;

/**
 * What the outbound harnesses share: submitting a round of mails to James for one recipient domain, waiting until a
 * loopback destination has accepted all of them (each over TLS), and the median of the measured rounds.
 */
final class OutboundRounds {
    /** How long a destination may take to accept a round's last mail. */
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(5);

    private OutboundRounds() {
    }

    /**
     * A measured round.
     *
     * @param variant what was measured (the label in the summary)
     * @param newConnections TCP connections the destination accepted during the round
     * @param fullHandshakes TLS handshakes that were not resumptions
     * @param cpuSeconds CPU time of the whole JVM during the round (James, the destinations, the submitting clients)
     */
    record Round(String variant, int index, int messages, double seconds, int newConnections, int fullHandshakes, double cpuSeconds) {
        double perSecond() {
            return messages / seconds;
        }

        double cpuMicrosPerMail() {
            return cpuSeconds * 1e6 / messages;
        }

        /** One line of stdout. */
        String line() {
            return String.format(Locale.ROOT, "round %d %-8s %5d mails %7.2f s %8.1f deliveries/s, %6.0f µs CPU/mail, %4d new connections, "
                + "%4d full handshakes", index, variant, messages, seconds, perSecond(), cpuMicrosPerMail(), newConnections, fullHandshakes);
        }

        /** The JSON object's members, without braces. */
        String jsonMembers() {
            return String.format(Locale.ROOT, "\"variant\": \"%s\", \"round\": %d, \"seconds\": %.3f, \"deliveriesPerSecond\": %.1f, "
                + "\"cpuMicrosPerMail\": %.1f, \"newConnections\": %d, \"fullHandshakes\": %d", variant, index, seconds, perSecond(),
                cpuMicrosPerMail(), newConnections, fullHandshakes);
        }
    }

    /** Submits one mail to {@code domain} and waits until {@code destination} has it over TLS; the received mail. */
    static TestSmtpServer.Received preflight(InProcessJames james, TestSmtpServer destination, String domain) throws Exception {
        int before = destination.received().size();
        submit(james, domain, "preflight", 1, 1);
        awaitReceived(destination, before + 1);
        TestSmtpServer.Received received = destination.received().get(before);
        if (!received.overTls() || !received.rcptTo().get(0).endsWith("@" + domain + ">")) {
            throw new IllegalStateException("pre-flight for " + domain + " did not arrive over TLS: " + received);
        }
        return received;
    }

    /**
     * Submits {@code messages} mails to {@code domain} over {@code submitters} SMTP sessions and measures from the first
     * submission until {@code destination} has accepted the last one.
     *
     * @throws IllegalStateException when a mail arrived in clear text or for another domain
     */
    static Round round(InProcessJames james, TestSmtpServer destination, String variant, String domain, int index, int messages,
                       int submitters) throws Exception {
        int before = destination.received().size();
        int accepts = destination.accepts();
        int handshakes = destination.fullHandshakes();
        long cpu = LoadRunner.processCpuNanos();
        long start = System.nanoTime();
        submit(james, domain, "round" + index, messages, submitters);
        awaitReceived(destination, before + messages);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (LoadRunner.processCpuNanos() - cpu) / 1e9;
        List<TestSmtpServer.Received> received = destination.received().subList(before, before + messages);
        if (!received.stream().allMatch(r -> r.overTls() && r.rcptTo().get(0).endsWith("@" + domain + ">"))) {
            throw new IllegalStateException("round " + index + " of " + domain + ": a mail arrived in clear or for another domain");
        }
        return new Round(variant, index, messages, seconds, destination.accepts() - accepts, destination.fullHandshakes() - handshakes,
            cpuSeconds);
    }

    /** Submits {@code messages} mails to {@code rcpt<i>@domain} on James's {@code submission} listener. */
    static void submit(InProcessJames james, String domain, String tag, int messages, int submitters) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(submitters);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int s = 0; s < submitters; s++) {
                int submitter = s;
                futures.add(executor.submit(() -> {
                    try (SmtpTestClient client = SmtpTestClient.plain(james.port("submission"))) {
                        for (int i = submitter; i < messages; i += submitters) {
                            int code = client.send("sender@james.local", "rcpt" + i + "@" + domain, tag + "-" + i);
                            if (code != 250) {
                                throw new IllegalStateException("James refused a submission: " + client.lastReply());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    static void awaitReceived(TestSmtpServer destination, int count) throws InterruptedException {
        long deadline = System.nanoTime() + ROUND_LIMIT.toNanos();
        while (destination.received().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the destination has " + destination.received().size() + " of " + count
                    + " mails after " + ROUND_LIMIT.toMinutes() + " minutes");
            }
            Thread.sleep(2);
        }
    }

    /** The median deliveries per second of {@code variant}'s rounds. */
    static double median(List<Round> rounds, String variant) {
        return median(rounds.stream().filter(r -> r.variant().equals(variant)).mapToDouble(Round::perSecond));
    }

    static double median(DoubleStream values) {
        double[] sorted = values.sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
