package dev.jamestls.policy.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.tls.PemFiles;

/**
 * Edits the way {@code cp -p} or a careful editor does: new content of the same size, and the old
 * modification time put back. A change detector that looks at modification time and size cannot see it.
 */
public final class SameStampFiles {
    private static final int MAX_TRIES = 20;

    private SameStampFiles() {
    }

    /**
     * Replaces {@code file}'s content with {@code content} (same length, asserted) and restores its
     * modification time. The new bytes are written next to the file and moved over it, so a watcher
     * polling meanwhile never sees a half-done edit or a fresh modification time.
     */
    public static void rewriteKeepingStamp(Path file, byte[] content) throws IOException {
        FileTime modified = Files.getLastModifiedTime(file);
        assertThat((long) content.length).as("same size as " + file).isEqualTo(Files.size(file));
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, content);
        Files.setLastModifiedTime(next, modified);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    }

    public static void rewriteKeepingStamp(Path file, String content) throws IOException {
        rewriteKeepingStamp(file, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Two distinct root CAs whose PEM encodings have the same length (same-length names, RSA 2048), so
     * one can replace the other in an anchor file without changing its size. Bounded retries: serial
     * numbers may differ in encoded length.
     */
    public static List<CertificateAuthority> sameSizeRoots(String firstDn, String secondDn, Instant now) {
        if (firstDn.length() != secondDn.length()) {
            throw new IllegalArgumentException("names of different lengths: " + firstDn + ", " + secondDn);
        }
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            CertificateAuthority first = CertificateAuthority.root(firstDn, now);
            CertificateAuthority second = CertificateAuthority.root(secondDn, now);
            if (pem(first).length() == pem(second).length()) {
                return List.of(first, second);
            }
        }
        throw new IllegalStateException("no two same-size roots in " + MAX_TRIES + " tries");
    }

    public static String pem(CertificateAuthority... authorities) {
        return PemFiles.certificates(java.util.Arrays.stream(authorities).map(ca -> ca.certificate().certificate()).toList());
    }
}
