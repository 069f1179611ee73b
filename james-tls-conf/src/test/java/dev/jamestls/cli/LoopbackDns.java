package dev.jamestls.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DNS server on 127.0.0.1 (UDP, RFC 1035 §4) answering MX and A queries from a table, NXDOMAIN
 * for unknown names. Just enough for the probe's lookups; nothing reaches a real resolver.
 */
final class LoopbackDns implements AutoCloseable {
    private static final int TYPE_A = 1;
    private static final int TYPE_MX = 15;
    private static final int RCODE_NXDOMAIN = 3;

    private record Record(int type, byte[] data) {
    }

    private final DatagramSocket socket;
    private final Map<String, List<Record>> records = new ConcurrentHashMap<>();
    private final List<String> questions = new CopyOnWriteArrayList<>();
    private final Thread thread;

    LoopbackDns() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::serve, "loopback-dns");
        thread.setDaemon(true);
        thread.start();
    }

    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /** Questions asked, as {@code name/TYPE}. */
    List<String> questions() {
        return List.copyOf(questions);
    }

    LoopbackDns mx(String domain, int preference, String host) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(preference >> 8);
        data.write(preference & 0xff);
        writeName(data, host);
        return add(domain, TYPE_MX, data.toByteArray());
    }

    LoopbackDns a(String host, String address) throws IOException {
        return add(host, TYPE_A, InetAddress.getByName(address).getAddress());
    }

    /** A name that exists with no records (NOERROR, empty answer). */
    LoopbackDns exists(String name) {
        records.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>());
        return this;
    }

    private LoopbackDns add(String name, int type, byte[] data) {
        records.computeIfAbsent(key(name), k -> new CopyOnWriteArrayList<>()).add(new Record(type, data));
        return this;
    }

    private void serve() {
        byte[] buffer = new byte[512];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                byte[] answer = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] query) {
        int offset = 12;
        List<String> labels = new ArrayList<>();
        for (int length = query[offset] & 0xff; length != 0; length = query[offset] & 0xff) {
            labels.add(new String(query, offset + 1, length, java.nio.charset.StandardCharsets.US_ASCII));
            offset += length + 1;
        }
        int questionEnd = offset + 5;
        int type = ((query[offset + 1] & 0xff) << 8) | (query[offset + 2] & 0xff);
        String name = key(String.join(".", labels));
        questions.add(name + "/" + (type == TYPE_MX ? "MX" : type == TYPE_A ? "A" : String.valueOf(type)));
        List<Record> known = records.get(name);
        List<Record> matching = known == null ? List.of() : known.stream().filter(r -> r.type() == type).toList();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(query[0]);
        out.write(query[1]);
        out.write(0x81 | (query[2] & 0x01)); // QR, opcode 0, AA, RD copied
        out.write(0x80 | (known == null ? RCODE_NXDOMAIN : 0)); // RA, rcode
        writeShort(out, 1);
        writeShort(out, matching.size());
        writeShort(out, 0);
        writeShort(out, 0);
        out.write(query, 12, questionEnd - 12);
        for (Record record : matching) {
            writeShort(out, 0xc00c); // the question's name (RFC 1035 §4.1.4)
            writeShort(out, record.type());
            writeShort(out, 1);
            writeShort(out, 0);
            writeShort(out, 60);
            writeShort(out, record.data().length);
            out.write(record.data(), 0, record.data().length);
        }
        return out.toByteArray();
    }

    private static void writeName(ByteArrayOutputStream out, String name) {
        if (!name.equals(".")) {
            for (String label : name.split("\\.")) {
                out.write(label.length());
                out.write(label.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, label.length());
            }
        }
        out.write(0);
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >> 8) & 0xff);
        out.write(value & 0xff);
    }

    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(5000);
    }
}
