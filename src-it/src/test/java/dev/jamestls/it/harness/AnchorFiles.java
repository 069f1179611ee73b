package dev.jamestls.it.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.tls.PemFiles;

/**
 * Trust-anchor files as an administrator edits them while James runs: rewritten plainly, or the way
 * {@code cp -p} does (same size, old modification time), which a change detector looking at modification
 * time and size cannot see.
 */
public final class AnchorFiles {
    private static final int MAX_TRIES = 20;

    private AnchorFiles() {
    }

    /** The CA certificates of {@code authorities} as PEM. */
    public static String pem(List<CertificateAuthority> authorities) {
        return PemFiles.certificates(authorities.stream().map(ca -> ca.certificate().certificate()).toList());
    }

    /**
     * Writes {@code content} next to {@code file} and moves it over the file (atomically: a watcher never
     * sees half an edit). With {@code keepStamp}, the content must have the file's size and the file keeps
     * its modification time; otherwise the modification time visibly moves forward.
     */
    public static void replace(Path file, String content, boolean keepStamp) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
        FileTime modified = Files.getLastModifiedTime(file);
        if (keepStamp && bytes.length != Files.size(file)) {
            throw new IllegalArgumentException("a same-stamp edit needs the same size: " + bytes.length + " bytes for "
                + file + " of " + Files.size(file));
        }
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.write(next, bytes);
        Files.setLastModifiedTime(next, keepStamp ? modified : FileTime.fromMillis(modified.toMillis() + 2000));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Root CAs whose PEM encodings all have the same length (names of one length, RSA 2048), so one can
     * replace another in an anchor file without changing its size. Bounded retries: serial numbers may
     * differ in encoded length.
     */
    public static List<CertificateAuthority> sameSizeRoots(Instant now, String... subjectDns) {
        if (Arrays.stream(subjectDns).mapToInt(String::length).distinct().count() != 1) {
            throw new IllegalArgumentException("names of different lengths: " + Arrays.toString(subjectDns));
        }
        for (int attempt = 0; attempt < MAX_TRIES; attempt++) {
            List<CertificateAuthority> roots = Arrays.stream(subjectDns).map(dn -> CertificateAuthority.root(dn, now)).toList();
            if (roots.stream().mapToInt(root -> pem(List.of(root)).length()).distinct().count() == 1) {
                return roots;
            }
        }
        throw new IllegalStateException("no same-size roots in " + MAX_TRIES + " tries");
    }
}
