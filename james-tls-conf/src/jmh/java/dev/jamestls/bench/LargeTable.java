package dev.jamestls.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A synthetic Postfix table of {@code n} destinations, written to disk like an admin's file. */
final class LargeTable {
    static final int SIZE = 1_000_000;

    private LargeTable() {
    }

    /** Line i: {@code d<i>.example secure match=mx.d<i>.example}; every 10th key is {@code .d<i>.example} (parent match). */
    static void write(Path file, int size) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("# synthetic table of " + size + " destinations\n");
            for (int i = 0; i < size; i++) {
                if (i % 10 == 0) {
                    out.write(".d" + i + ".example encrypt protocols=>=TLSv1.2\n");
                } else if (i % 3 == 0) {
                    out.write("d" + i + ".example secure match=mx.d" + i + ".example:.d" + i + ".example\n");
                } else {
                    out.write("d" + i + ".example verify\n");
                }
            }
        }
    }

    static String policyXml() {
        return "<tlsPolicy><connector name=\"partner\" mode=\"enforce\"><outbound level=\"secure\">"
            + "<recipientDomain>partner.example</recipientDomain><match>mail.partner.example</match></outbound></connector>"
            + "<domainTable file=\"tls_policy\"/></tlsPolicy>";
    }
}
