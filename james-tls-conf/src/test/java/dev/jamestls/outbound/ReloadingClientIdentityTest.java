package dev.jamestls.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.testkit.MovableClock;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.PemFiles;

/** The default client identity follows its files' content, checked at most once per interval. */
class ReloadingClientIdentityTest {
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Our CA", java.time.Instant.parse("2026-01-01T00:00:00Z"));

    @TempDir
    Path dir;

    final MovableClock clock = new MovableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aRenewedCertificateIsPresentedAfterTheNextCheckEvenWithTheSameModificationTime() throws IOException {
        IssuedCertificate first = issue();
        IssuedCertificate renewed = issue();
        write(first);
        ReloadingClientIdentity identity = reloading();
        FileTime stamp = Files.getLastModifiedTime(dir.resolve("client.pem"));

        write(renewed);
        Files.setLastModifiedTime(dir.resolve("client.pem"), stamp);
        Files.setLastModifiedTime(dir.resolve("client.key"), stamp);

        assertThat(identity.current().leaf()).as("before the interval").isEqualTo(first.certificate());
        clock.advance(Duration.ofSeconds(5));
        assertThat(identity.current().leaf()).as("after the interval: content changed").isEqualTo(renewed.certificate());
    }

    @Test
    void aHalfWrittenChangeKeepsThePreviousIdentity() throws IOException {
        IssuedCertificate first = issue();
        IssuedCertificate renewed = issue();
        write(first);
        ReloadingClientIdentity identity = reloading();

        // The new certificate is in place, its key not yet: key and certificate are out of step.
        PemFiles.writeCertificates(dir.resolve("client.pem"), renewed.presentedChain());
        assertThat(identity.reloadIfChanged()).isFalse();
        assertThat(identity.current().leaf()).isEqualTo(first.certificate());

        PemFiles.writePrivateKey(dir.resolve("client.key"), renewed.keyPair().getPrivate());
        assertThat(identity.reloadIfChanged()).isTrue();
        assertThat(identity.current().leaf()).isEqualTo(renewed.certificate());
    }

    @Test
    void aBrokenIdentityFailsAtStart() throws IOException {
        Files.writeString(dir.resolve("client.pem"), "not a certificate\n");
        PemFiles.writePrivateKey(dir.resolve("client.key"), issue().keyPair().getPrivate());

        assertThatThrownBy(this::reloading).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("certificate file " + dir.resolve("client.pem") + " holds no certificate");
    }

    private ReloadingClientIdentity reloading() {
        Path key = dir.resolve("client.key");
        Path chain = dir.resolve("client.pem");
        return new ReloadingClientIdentity(List.of(key, chain), () -> ClientIdentity.fromPem(key, chain), clock, Duration.ofSeconds(5));
    }

    private void write(IssuedCertificate certificate) throws IOException {
        PemFiles.writeCertificates(dir.resolve("client.pem"), certificate.presentedChain());
        PemFiles.writePrivateKey(dir.resolve("client.key"), certificate.keyPair().getPrivate());
    }

    private static IssuedCertificate issue() {
        return CA.leaf("CN=mx.example.com").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    }
}
