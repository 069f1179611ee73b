package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPSenderFailedException;

import dev.jamestls.outbound.RecipientRefusal;
import dev.jamestls.outbound.TransactionResult;
import dev.jamestls.smtp.PeerReply;

/**
 * The peer's refusals reach the transaction result as values (reply code, enhanced status, reply) taken from
 * the SMTP provider's exceptions, as JavaMail 1.6 / Angus Mail build them, never parsed from message text.
 */
class SmtpAttemptTransactionTest {
    static final Session SESSION = Session.getInstance(new Properties());
    static final InternetAddress OK = address("ok@partner.example");
    static final InternetAddress UNKNOWN = address("unknown@partner.example");
    static final InternetAddress FULL = address("full@partner.example");

    @Test
    void refusedRecipientsArePairedWithTheirOwnRepliesByAddress() {
        // JavaMail chains one exception per refused RCPT; here in the opposite order to the envelope.
        SMTPAddressFailedException full = new SMTPAddressFailedException(FULL, "RCPT TO:<full@partner.example>", 452,
            "452 4.2.2 mailbox full");
        full.setNextException(new SMTPAddressFailedException(UNKNOWN, "RCPT TO:<unknown@partner.example>", 550,
            "550 5.1.1 no such user"));
        SendFailedException failed = new SendFailedException("Invalid Addresses", full, new Address[0],
            new Address[] {FULL}, new Address[] {UNKNOWN});

        TransactionResult result = transaction(failed, OK, UNKNOWN, FULL);

        assertThat(result.kind()).isEqualTo(TransactionResult.Kind.REJECTED);
        assertThat(result.refused()).containsExactly(
            new RecipientRefusal("unknown@partner.example", PeerReply.of(550, "550 5.1.1 no such user")),
            new RecipientRefusal("full@partner.example", PeerReply.of(452, "452 4.2.2 mailbox full")));
        // No recipient accepted: the transient refusal decides, so another host may be tried (RFC 5321 §4.2.1).
        assertThat(result.reply()).contains(PeerReply.of(452, "452 4.2.2 mailbox full"));
        assertThat(result.refused().get(0).reply().enhancedStatus()).contains("5.1.1");
    }

    @Test
    void aPartialDeliveryKeepsTheRefusalsOfTheOthers() {
        SMTPAddressFailedException unknown = new SMTPAddressFailedException(UNKNOWN, "RCPT TO:<unknown@partner.example>", 550,
            "550 5.1.1 no such user");
        SMTPSendFailedException partial = new SMTPSendFailedException(".", 250, "250 2.0.0 queued", unknown,
            new Address[] {OK}, new Address[0], new Address[] {UNKNOWN});

        TransactionResult result = transaction(partial, OK, UNKNOWN);

        assertThat(result.kind()).isEqualTo(TransactionResult.Kind.SENT);
        assertThat(result.refused()).containsExactly(
            new RecipientRefusal("unknown@partner.example", PeerReply.of(550, "550 5.1.1 no such user")));
    }

    @Test
    void aRefusedSenderIsTheTransactionsReplyWithItsCode() {
        SMTPSendFailedException mail = new SMTPSendFailedException("MAIL FROM:<a@james.local>", 553,
            "553 5.1.8 sender domain does not exist\n", null, new Address[0], new Address[] {OK}, new Address[0]);
        mail.setNextException(new SMTPSenderFailedException(address("a@james.local"), "MAIL FROM:<a@james.local>", 553,
            "553 5.1.8 sender domain does not exist\n"));

        TransactionResult result = transaction(mail, OK);

        assertThat(result.kind()).isEqualTo(TransactionResult.Kind.REJECTED);
        assertThat(result.refused()).isEmpty();
        assertThat(result.reply()).contains(new PeerReply(553, java.util.Optional.of("5.1.8"), "553 5.1.8 sender domain does not exist"));
        assertThat(result.detail()).isEqualTo("553 5.1.8 sender domain does not exist");
    }

    @Test
    void aRefusalAtTheEndOfDataCarriesTheCodeTheClientRead() {
        SMTPSendFailedException data = new SMTPSendFailedException(".", 451, "451 try again", null,
            new Address[0], new Address[] {OK}, new Address[0]);

        TransactionResult result = transaction(data, OK);

        assertThat(result.reply()).contains(PeerReply.of(451, "451 try again"));
        assertThat(result.reply().orElseThrow().status()).isEqualTo("4.0.0");
    }

    @Test
    void aTextThatLooksLikeAReplyIsNotTakenForOne() {
        // A broken connection whose message happens to start like a reply: no reply code was read.
        MessagingException broken = new MessagingException("550 looks like a reply", new IOException("Connection reset"));

        TransactionResult result = transaction(broken, OK);

        assertThat(result.kind()).isEqualTo(TransactionResult.Kind.BROKEN);
        assertThat(result.reply()).isEmpty();
        assertThat(result.detail()).contains("Connection reset");
    }

    @Test
    void aLostConnectionWithoutReplyCodeIsBrokenNotARefusal() {
        SMTPSendFailedException lost = new SMTPSendFailedException("DATA", -1, "", null,
            new Address[0], new Address[] {OK}, new Address[0]);

        assertThat(transaction(lost, OK).kind()).isEqualTo(TransactionResult.Kind.BROKEN);
    }

    private static TransactionResult transaction(MessagingException thrown, InternetAddress... recipients) {
        Transport transport = new Transport(SESSION, null) {
            @Override
            public void sendMessage(Message message, Address[] addresses) throws MessagingException {
                throw thrown;
            }
        };
        return SmtpAttempt.transaction(transport, new SmtpAttempt.Envelope("a@james.local", recipients, new MimeMessage(SESSION)));
    }

    private static InternetAddress address(String address) {
        try {
            return new InternetAddress(address);
        } catch (javax.mail.internet.AddressException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
