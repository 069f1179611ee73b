package dev.jamestls.testkit.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A DNS server on 127.0.0.1, UDP and TCP on one ephemeral port (RFC 1035 §4.2, RFC 7766), answering from
 * {@link SignedZones} as a recursive resolver would answer a validating stub: the whole answer in one
 * response (CNAME chains followed across zones), RRSIGs when the question sets DO (RFC 3225), SOA and
 * NSEC proofs for NXDOMAIN and NODATA (RFC 4035 §3.1.3), DS questions at a zone cut answered from the
 * parent. A UDP answer longer than the client's limit (512 octets, or its EDNS payload size) is
 * truncated with TC set (RFC 1035 §4.2.1, RFC 6891 §6.2.5) so the client retries over TCP.
 *
 * <p>It counts the questions it receives, so a test can tell a cached answer from a fresh one.
 * Nothing leaves the loopback interface.
 */
public final class LoopbackDnsServer implements AutoCloseable {
    private static final int MAX_CNAME_HOPS = 8;
    private static final int TCP_THREADS = 4;
    private static final int TCP_IDLE_MILLIS = 10_000;

    private final SignedZones zones;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService tcpConnections;
    private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger tcpQuestions = new AtomicInteger();
    private volatile boolean truncateUdp;

    private LoopbackDnsServer(SignedZones zones, DatagramSocket udp, ServerSocket tcp) {
        this.zones = zones;
        this.udp = udp;
        this.tcp = tcp;
        this.tcpConnections = Executors.newFixedThreadPool(TCP_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "loopback-dns-tcp");
            thread.setDaemon(true);
            return thread;
        });
        Thread udpThread = new Thread(this::serveUdp, "loopback-dns-udp");
        udpThread.setDaemon(true);
        udpThread.start();
        Thread acceptThread = new Thread(this::acceptTcp, "loopback-dns-accept");
        acceptThread.setDaemon(true);
        acceptThread.start();
    }

    /** Starts serving {@code zones} on 127.0.0.1, UDP and TCP on the same ephemeral port. */
    public static LoopbackDnsServer start(SignedZones zones) throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        BindException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
            try {
                ServerSocket tcp = new ServerSocket(udp.getLocalPort(), 50, loopback);
                return new LoopbackDnsServer(zones, udp, tcp);
            } catch (BindException e) {
                udp.close();
                last = e;
            }
        }
        throw last;
    }

    /** Where to send questions: 127.0.0.1 and the port of both the UDP and the TCP listener. */
    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** How many questions for {@code name} (absolute, e.g. {@code mail.example.}) of {@code type} arrived. */
    public int questions(String name, int type) {
        AtomicInteger count = questions.get(key(Name.fromConstantString(name), type));
        return count == null ? 0 : count.get();
    }

    /** How many questions arrived in all, over UDP and TCP. */
    public int questions() {
        return total.get();
    }

    /** How many questions arrived over TCP. */
    public int tcpQuestions() {
        return tcpQuestions.get();
    }

    /** From now on every UDP answer is truncated (TC set, no records), so clients must retry over TCP. */
    public void truncateUdp(boolean truncate) {
        this.truncateUdp = truncate;
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            tcpConnections.shutdownNow();
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                Message query = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = answer(query);
                OPTRecord opt = query.getOPT();
                int limit = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
                byte[] wire = truncateUdp ? truncated(response) : response.toWire(limit);
                udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a malformed question: drop it, as a server does
            }
        }
    }

    private static byte[] truncated(Message response) {
        Message empty = new Message(response.getHeader().getID());
        empty.getHeader().setFlag(Flags.QR);
        empty.getHeader().setFlag(Flags.TC);
        empty.addRecord(response.getQuestion(), Section.QUESTION);
        return empty.toWire();
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                tcpConnections.execute(() -> serveTcp(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** RFC 1035 §4.2.2: each message prefixed by its two-octet length; several per connection (RFC 7766 §6.2.1). */
    private void serveTcp(Socket socket) {
        try (socket) {
            socket.setSoTimeout(TCP_IDLE_MILLIS);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                tcpQuestions.incrementAndGet();
                byte[] wire = answer(new Message(query)).toWire();
                out.writeShort(wire.length);
                out.write(wire);
                out.flush();
            }
        } catch (EOFException e) {
            // the client closed the connection
        } catch (IOException e) {
            // idle timeout, reset or malformed question: drop the connection
        }
    }

    Message answer(Message query) {
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response;
        }
        response.addRecord(question, Section.QUESTION);
        OPTRecord opt = query.getOPT();
        boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
        if (opt != null) {
            response.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        }
        total.incrementAndGet();
        questions.computeIfAbsent(key(question.getName(), question.getType()), k -> new AtomicInteger()).incrementAndGet();
        resolve(response, question.getName(), question.getType(), dnssecOk);
        return response;
    }

    private void resolve(Message response, Name qname, int type, boolean dnssecOk) {
        Name name = qname;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            if (zones.servfail(name)) {
                response.getHeader().setRcode(Rcode.SERVFAIL);
                return;
            }
            Optional<SignedZones.Zone> found = zones.zoneFor(name, type);
            if (found.isEmpty()) {
                response.getHeader().setRcode(Rcode.REFUSED);
                return;
            }
            SignedZones.Zone zone = found.get();
            Optional<RRset> records = zone.rrset(name, type);
            if (records.isPresent()) {
                add(response, records.get(), Section.ANSWER, dnssecOk);
                return;
            }
            Optional<RRset> cname = type == Type.CNAME ? Optional.empty() : zone.rrset(name, Type.CNAME);
            if (cname.isPresent()) {
                add(response, cname.get(), Section.ANSWER, dnssecOk);
                name = ((CNAMERecord) cname.get().first()).getTarget();
                continue;
            }
            deny(response, zone, name, dnssecOk);
            return;
        }
        response.getHeader().setRcode(Rcode.SERVFAIL); // a CNAME loop
    }

    /** NODATA or NXDOMAIN with the SOA for negative caching (RFC 2308 §3) and NSEC proofs (RFC 4035 §3.1.3). */
    private void deny(Message response, SignedZones.Zone zone, Name name, boolean dnssecOk) {
        add(response, zone.soa(), Section.AUTHORITY, dnssecOk);
        if (zone.exists(name)) {
            if (dnssecOk && zone.signed()) {
                // §3.1.3.1: the NSEC at the name (types without the one asked); §3.1.3.2 for an empty
                // non-terminal: the NSEC whose span covers it.
                Optional<RRset> nsec = zone.rrset(name, Type.NSEC).or(() -> zone.coveringNsec(name));
                nsec.ifPresent(set -> add(response, set, Section.AUTHORITY, true));
            }
            return;
        }
        response.getHeader().setRcode(Rcode.NXDOMAIN);
        if (dnssecOk && zone.signed()) {
            // §3.1.3.2: an NSEC covering the name, and one covering the wildcard at its closest encloser.
            zone.coveringNsec(name).ifPresent(set -> add(response, set, Section.AUTHORITY, true));
            Name encloser = name;
            while (!zone.exists(encloser)) {
                encloser = new Name(encloser, 1);
            }
            try {
                Name wildcard = Name.concatenate(Name.fromConstantString("*"), encloser);
                zone.coveringNsec(wildcard).ifPresent(set -> add(response, set, Section.AUTHORITY, true));
            } catch (NameTooLongException e) {
                // no wildcard can exist there
            }
        }
    }

    private static void add(Message response, RRset rrset, int section, boolean dnssecOk) {
        if (response.findRRset(rrset.getName(), rrset.getType(), section)) {
            return;
        }
        for (Record record : rrset.rrs(false)) {
            response.addRecord(record, section);
        }
        if (dnssecOk) {
            for (Record sig : rrset.sigs()) {
                response.addRecord(sig, section);
            }
        }
    }

    private static String key(Name name, int type) {
        return name.toString().toLowerCase(Locale.ROOT) + "/" + Type.string(type);
    }
}
