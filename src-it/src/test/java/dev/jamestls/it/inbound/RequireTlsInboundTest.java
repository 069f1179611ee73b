package dev.jamestls.it.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jamestls.it.harness.InProcessJames;
import dev.jamestls.it.harness.Listener;
import dev.jamestls.it.harness.LogCapture;
import dev.jamestls.it.harness.SmtpTestClient;
import dev.jamestls.it.harness.StoredMail;

/**
 * REQUIRETLS (RFC 8689) received by a real James 3.8.1 through {@code RequireTlsHook}: what a client can and
 * cannot make James record as the sender's TLS demand ({@code dev.jamestls.tlsRequired}). Each row is an
 * attempt to get the flag where it does not belong, to lose it where it does, or to smuggle text into the log.
 */
class RequireTlsInboundTest {
    static final String RECEIVED = "memory://var/mail/requiretls-received/";
    static final String ATTRIBUTE = "dev.jamestls.tlsRequired";
    static final String RECIPIENT = "bob@james.local";

    @RegisterExtension
    static InProcessJames james = InProcessJames.builder()
        .listener(Listener.startTls("mx"))
        .listener(Listener.implicitTls("smtps"))
        .listener(Listener.startTls("wanted").wantingClientCertificate())
        .handler("<handler class=\"dev.jamestls.james.smtp.RequireTlsHook\"/>")
        .rootProcessor("""
                  <mailet match="All" class="ToRepository">
                    <repositoryPath>%s</repositoryPath>
                  </mailet>
            """.formatted(RECEIVED))
        .build();

    @Test
    void requireTlsIsAdvertisedOnlyInsideTls() throws Exception {
        try (SmtpTestClient clear = SmtpTestClient.plain(james.port("mx"));
             SmtpTestClient upgraded = startTls();
             SmtpTestClient implicit = SmtpTestClient.implicitTls(james.port("smtps"), james.pki(), Optional.empty())) {
            assertThat(ehloReplies(clear)).hasSize(1);
            assertThat(ehloReplies(clear).get(0)).doesNotContain("REQUIRETLS");
            List<String> beforeAndAfterStartTls = ehloReplies(upgraded);
            assertThat(beforeAndAfterStartTls).hasSize(2);
            assertThat(beforeAndAfterStartTls.get(0)).as("EHLO before STARTTLS").doesNotContain("REQUIRETLS");
            assertThat(beforeAndAfterStartTls.get(1)).as("EHLO inside TLS").contains("250-REQUIRETLS");
            assertThat(ehloReplies(implicit).get(0)).contains("250-REQUIRETLS");
        }
    }

    @Test
    void requireTlsOverTlsIsRecordedOnTheMail() throws Exception {
        try (SmtpTestClient client = startTls()) {
            assertThat(demandRecorded(client, "REQUIRETLS", "tls-requiretls", "")).contains("requiretls");
        }
    }

    @Test
    void requireTlsOverImplicitTlsIsRecordedOnTheMail() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.implicitTls(james.port("smtps"), james.pki(), Optional.empty())) {
            assertThat(demandRecorded(client, "REQUIRETLS", "implicit-requiretls", "")).contains("requiretls");
        }
    }

    /** Our certificate-wanted listener (the sandbox's MX port) builds its handler chain as James does. */
    @Test
    void requireTlsOnTheCertificateWantedListenerIsAnnouncedAndRecorded() throws Exception {
        try (SmtpTestClient client = SmtpTestClient.startTls(james.port("wanted"), james.pki(), Optional.empty())) {
            assertThat(ehloReplies(client).get(0)).doesNotContain("REQUIRETLS");
            assertThat(ehloReplies(client).get(1)).contains("250-REQUIRETLS");
            assertThat(demandRecorded(client, "REQUIRETLS", "wanted-requiretls", "")).contains("requiretls");
        }
        try (SmtpTestClient clear = SmtpTestClient.plain(james.port("wanted"))) {
            assertThat(mailFrom(clear, "<alice@client.test> REQUIRETLS")).startsWith("530 5.7.10");
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        REQUIRETLS  | 530 5.7.10 | the keyword as registered
        requiretls  | 530 5.7.10 | ESMTP keywords are case-insensitive (RFC 5321 section 2.4); James looks a value-less one up as sent
        RequireTls  | 530 5.7.10 | mixed case
        REQUIRETLS= | 530 5.7.10 | with an empty value
        """)
    void requireTlsInClearTextIsRefusedAndTheTransactionGoesNoFurther(String parameter, String expected, String reason)
        throws Exception {
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            List<String> replies = client.pipeline("MAIL FROM:<alice@client.test> " + parameter + "\nRCPT TO:<" + RECIPIENT
                + ">\nDATA\n", 3);

            assertThat(replies.get(0)).as(reason).startsWith(expected);
            assertThat(replies.get(1)).as("RCPT after the refused MAIL").startsWith("503");
            assertThat(replies.get(2)).as("DATA after the refused MAIL").startsWith("503");
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        requiretls  | requiretls | case-insensitive keyword
        RequireTLS  | requiretls | mixed case
        REQUIRETLS= | requiretls | James hands an empty value over as no value: read the strict way
        """)
    void requireTlsSpellingsOverTlsAreRecorded(String parameter, String expected, String reason) throws Exception {
        String subject = "spelling-" + parameter;
        try (SmtpTestClient client = startTls()) {
            assertThat(demandRecorded(client, parameter, subject, "")).as(reason).contains(expected);
        }
    }

    @ParameterizedTest(name = "{0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        REQUIRETLS=yes                 | 501 5.5.4 | RFC 8689 section 2: no value is associated with the parameter
        REQUIRETLS=NO                  | 501 5.5.4 | not a way to switch it off either
        REQUIRETLS REQUIRETLS          | 501 5.5.4 | the parameter twice
        REQUIRETLS requiretls          | 501 5.5.4 | twice, in two spellings
        """)
    void malformedRequireTlsOverTlsIsRefusedAndLeavesNothingForTheNextMail(String parameters, String expected,
                                                                           String reason) throws Exception {
        String subject = "after-malformed-" + parameters.replace(' ', '_').replace('=', '-');
        try (SmtpTestClient client = startTls()) {
            assertThat(mailFrom(client, "<alice@client.test> " + parameters)).as(reason).startsWith(expected);
            assertThat(demandRecorded(client, "", subject, "")).as("the next MAIL of the session").isEmpty();
        }
    }

    /** {@code {TAB}} stands for a tab; the reply code James gives the MAIL command, and the demand then recorded. */
    @ParameterizedTest(name = "{0}: {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        "<> REQUIRETLS"                                  | 250 | requiretls | the null sender: a DSN may demand it too
        "<alice@client.test> SIZE=10000 REQUIRETLS"       | 250 | requiretls | after another parameter
        "<alice@client.test> REQUIRETLS SIZE=10000"       | 250 | requiretls | before another parameter
        "<alice@client.test> BODY=8BITMIME REQUIRETLS"    | 250 | requiretls | with 8BITMIME
        "<alice@client.test> SMTPUTF8 REQUIRETLS"         | 250 | requiretls | with SMTPUTF8, which James 3.8.1 passes over
        "<alice@client.test>   REQUIRETLS"                | 250 | requiretls | several spaces before it
        "<alice@client.test> REQUIRETLS{TAB} "            | 250 | requiretls | white space after it, which James trims
        "<alice@client.test> REQUIRETLSX"                 | 250 | -          | a longer keyword is another parameter
        "<alice@client.test> X-REQUIRETLS"                | 250 | -          | so is a prefixed one
        "<alice@client.test>{TAB}REQUIRETLS"              | 501 | -          | a tab is no parameter separator: James refuses the address
        "<alice@client.test> SIZE=10000{TAB}REQUIRETLS"   | 501 | -          | nor inside the value of another parameter
        """)
    void requireTlsAmongOtherParametersOverTls(String command, int reply, String expected, String reason) throws Exception {
        String subject = "among-" + Integer.toHexString(command.hashCode());
        try (SmtpTestClient client = startTls()) {
            assertThat(mailFrom(client, command.replace("{TAB}", "\t"))).as(reason).startsWith(String.valueOf(reply));
            assertRecorded(reply == 250 ? recorded(client, subject) : demandRecorded(client, "", subject, ""), expected, reason);
        }
    }

    /** RFC 3030 CHUNKING is not offered, so no BDAT chunk can carry a message past the hook's view of the transaction. */
    @Test
    void bdatIsNeitherOfferedNorTaken() throws Exception {
        try (SmtpTestClient client = startTls()) {
            assertThat(ehloReplies(client).get(1)).doesNotContain("CHUNKING");
            assertThat(mailFrom(client, "<alice@client.test> REQUIRETLS")).startsWith("250");
            assertThat(client.rcptTo(RECIPIENT)).isEqualTo(250);
            assertThat(client.pipeline("BDAT 4 LAST\nabcd", 1).get(0)).startsWith("5");
        }
    }

    /** RFC 8689 §3: the header field of the message received, not one inside an attached message. */
    @Test
    void tlsRequiredNoInAnAttachedMessageRelaxesNothing() throws Exception {
        String subject = "attached-tls-required-no";
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            assertThat(client.mailFrom("alice@client.test")).isEqualTo(250);
            assertThat(client.rcptTo(RECIPIENT)).isEqualTo(250);
            assertThat(client.data("From: <alice@client.test>\nTo: <" + RECIPIENT + ">\nSubject: " + subject
                + "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
                + "see attached\n--b\nContent-Type: message/rfc822\n\nTLS-Required: No\nSubject: inner\n\ninner\n--b--\n"))
                .isEqualTo(250);
        }
        assertThat(received(subject).attribute(ATTRIBUTE)).isEmpty();
    }

    /** What a test does to a fresh TLS session before its plain MAIL. */
    @FunctionalInterface
    interface Step {
        void run(SmtpTestClient client) throws IOException;
    }

    static Stream<Arguments> endsOfATransactionWithRequireTls() {
        return Stream.of(
            Arguments.of("a MAIL James refuses after reading the parameter (a bad address)", (Step) client ->
                assertThat(mailFrom(client, "<alice@@client.test> REQUIRETLS")).startsWith("501")),
            Arguments.of("RSET", (Step) client -> {
                assertThat(mailFrom(client, "<alice@client.test> REQUIRETLS")).startsWith("250");
                assertThat(client.rset()).isEqualTo(250);
            }),
            Arguments.of("a second MAIL, answered 503, after which James drops the sender", (Step) client -> {
                assertThat(mailFrom(client, "<alice@client.test> REQUIRETLS")).startsWith("250");
                assertThat(mailFrom(client, "<alice@client.test>")).startsWith("503");
                assertThat(client.rcptTo(RECIPIENT)).isEqualTo(503);
            }),
            Arguments.of("the end of DATA", (Step) client -> {
                assertThat(mailFrom(client, "<alice@client.test> REQUIRETLS")).startsWith("250");
                assertThat(rcptAndData(client, "first-with-requiretls", "")).isEqualTo(250);
            }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("endsOfATransactionWithRequireTls")
    void requireTlsDiesWithItsTransaction(String end, Step step) throws Exception {
        String subject = "after-" + Integer.toHexString(end.hashCode());
        try (SmtpTestClient client = startTls()) {
            step.run(client);
            assertThat(demandRecorded(client, "", subject, "")).as("the next mail of the session, after " + end).isEmpty();
        }
    }

    /**
     * A MAIL with REQUIRETLS written in clear text right behind STARTTLS (command injection, RFC 3207 §4.2:
     * the server discards what it knew before TLS) is never honoured inside the TLS session.
     */
    @Test
    void requireTlsInjectedBehindStartTlsIsNotHonouredInsideTls() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), james.port("mx"))) {
            RawSmtp clear = RawSmtp.greeted(socket);
            clear.write("STARTTLS\r\nMAIL FROM:<injected@client.test> REQUIRETLS\r\n");
            assertThat(clear.reply()).as("James 3.8.1 refuses STARTTLS with a command behind it").startsWith("451");
            assertThatThrownBy(() -> clear.command("RCPT TO:<" + RECIPIENT + ">")).as("and closes the connection")
                .isInstanceOf(IOException.class).isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(james.repositories().mails(RECEIVED)).noneMatch(mail -> mail.sender().equals("injected@client.test"));
    }

    /** A MAIL written in clear text after James said 220 to STARTTLS is no TLS handshake: nothing is read as a command. */
    @Test
    void clearTextWrittenAfterStartTlsIsNeverACommand() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), james.port("mx"))) {
            RawSmtp clear = RawSmtp.greeted(socket);
            assertThat(clear.command("STARTTLS")).startsWith("220");
            clear.write("MAIL FROM:<after-starttls@client.test> REQUIRETLS\r\nRCPT TO:<" + RECIPIENT + ">\r\nDATA\r\n");
            assertThatThrownBy(() -> {
                while (true) {
                    assertThat(clear.reply()).as("what James answers").doesNotMatch("(?s)^[0-9]{3}.*");
                }
            }).as("James ends the connection, without waiting for more").isInstanceOf(IOException.class)
                .isNotInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(james.repositories().mails(RECEIVED)).noneMatch(mail -> mail.sender().equals("after-starttls@client.test"));
    }

    @Test
    void tlsRequiredNoWithRequireTlsIsIgnoredAndTheMailCarriesRequireTls() throws Exception {
        try (SmtpTestClient client = startTls()) {
            assertThat(demandRecorded(client, "REQUIRETLS", "both", "TLS-Required: No\n")).contains("requiretls");
        }
        assertThat(received("both").header("TLS-Required")).as("the header travels on, RFC 8689 section 4.1").contains("No");
    }

    /** {@code {LF}} stands for a line break, {@code {TAB}} for a tab. */
    @ParameterizedTest(name = "{1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
        TLS-Required: No                                  | tls-required-no | the field as RFC 8689 section 3 writes it
        tls-required: no                                  | tls-required-no | field names and ABNF literals are case-insensitive
        TLS-REQUIRED:NO                                   | tls-required-no | no space after the colon ([FWS])
        TLS-Required:   No{TAB}                           | tls-required-no | white space around the value
        TLS-Required:{LF} No                              | tls-required-no | folded (FWS)
        TLS-Required: No (the sender does not mind)       | -               | a comment is not in the section 3 grammar: recipient policies stay in force
        TLS-Required: Yes                                 | -               | no other value is defined
        TLS-Required: Nope                                | -               | not the word No
        TLS-Required: No{LF}TLS-Required: No              | -               | several instances: not the one field section 3 defines
        TLS-Required: No{LF}TLS-Required: Yes             | -               | several instances that disagree
        X-TLS-Required: No                                | -               | another field
        dev.jamestls.tlsRequired: tls-required-no         | -               | our attribute's name as a header field sets nothing
        X-dev.jamestls.tlsRequired: tls-required-no       | -               | nor as an X- field
        """)
    void tlsRequiredHeaderVariantsWithoutRequireTls(String header, String expected, String reason) throws Exception {
        String subject = "header-" + Integer.toHexString(header.hashCode());
        Optional<Object> recorded;
        try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
            recorded = demandRecorded(client, "", subject, header.replace("{TAB}", "\t").replace("{LF}", "\n") + "\n");
        }
        assertRecorded(recorded, expected, reason);
    }

    /** {@code expected} recorded, or nothing for {@code -}. */
    private static void assertRecorded(Optional<Object> recorded, String expected, String reason) {
        if (expected.equals("-")) {
            assertThat(recorded).as(reason).isEmpty();
        } else {
            assertThat(recorded).as(reason).contains(expected);
        }
    }

    @Test
    void hostileTextInTheHeaderNeverReachesALogLineRaw() throws Exception {
        String forged = "12:00:00.000 INFO FORGED";
        try (LogCapture log = LogCapture.start()) {
            try (SmtpTestClient client = SmtpTestClient.plain(james.port("mx"))) {
                assertThat(demandRecorded(client, "", "hostile",
                    "TLS-Required: Yes\u001b[2K\u202e\r" + forged + "\n\t" + forged + "\n")).isEmpty();
            }
            List<String> lines = log.lines();
            assertThat(lines).as("our line about the header, the escape character shown escaped")
                .anyMatch(line -> line.contains("TLS-Required header 'Yes\\x1B[2K"));
            assertThat(lines).noneMatch(line -> line.startsWith(forged) || line.startsWith("\t" + forged)
                || line.contains("\u001b") || line.contains("\u202e"));
        }
    }

    private static SmtpTestClient startTls() throws IOException {
        return SmtpTestClient.startTls(james.port("mx"), james.pki(), Optional.empty());
    }

    private static String mailFrom(SmtpTestClient client, String reversePathAndParameters) throws IOException {
        return client.pipeline("MAIL FROM:" + reversePathAndParameters + "\n", 1).get(0);
    }

    /**
     * One mail over {@code client}, {@code parameters} (may be empty) after its MAIL FROM address and
     * {@code extraHeaders} in its header; the sender's demand James recorded on it.
     */
    private static Optional<Object> demandRecorded(SmtpTestClient client, String parameters, String subject,
                                                   String extraHeaders) throws IOException {
        assertThat(mailFrom(client, ("<alice@client.test> " + parameters).trim())).startsWith("250");
        assertThat(rcptAndData(client, subject, extraHeaders)).isEqualTo(250);
        return received(subject).attribute(ATTRIBUTE);
    }

    /** The rest of a mail whose MAIL was answered 250; the sender's demand James recorded on it. */
    private static Optional<Object> recorded(SmtpTestClient client, String subject) throws IOException {
        assertThat(rcptAndData(client, subject, "")).isEqualTo(250);
        return received(subject).attribute(ATTRIBUTE);
    }

    /** RCPT and DATA with {@code extraHeaders} (each ending in a newline) before the usual ones. */
    private static int rcptAndData(SmtpTestClient client, String subject, String extraHeaders) throws IOException {
        int code = client.rcptTo(RECIPIENT);
        if (code != 250) {
            return code;
        }
        return client.data(extraHeaders + SmtpTestClient.message("alice@client.test", RECIPIENT, subject));
    }

    private static StoredMail received(String subject) {
        return james.awaitMail(RECEIVED, mail -> mail.header("Subject").map(subject::equals).orElse(false));
    }

    private static List<String> ehloReplies(SmtpTestClient client) {
        return client.transcript().stream().filter(line -> line.startsWith("EHLO ")).toList();
    }

    /** Just enough SMTP over a socket to write what commons-net would not (a command behind STARTTLS). */
    private static final class RawSmtp {
        private final BufferedReader in;
        private final OutputStream out;

        RawSmtp(Socket socket) throws IOException {
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
        }

        /** A clear-text session on {@code socket} after the greeting and EHLO. */
        static RawSmtp greeted(Socket socket) throws IOException {
            socket.setSoTimeout(15_000);
            RawSmtp session = new RawSmtp(socket);
            assertThat(session.reply()).startsWith("220");
            assertThat(session.command("EHLO client.test")).startsWith("250");
            return session;
        }

        void write(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String command(String line) throws IOException {
            write(line.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n");
            return reply();
        }

        /** One reply, its lines joined by newlines; a closed connection reads as an exception. */
        String reply() throws IOException {
            StringBuilder reply = new StringBuilder();
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after '" + reply + "'");
                }
                reply.append(line).append('\n');
                if (line.length() < 4 || line.charAt(3) != '-') {
                    return reply.toString().trim();
                }
            }
        }
    }
}
