package dev.jamestls.james.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamestls.outbound.DeliveryTarget;
import dev.jamestls.outbound.TargetSource;
import dev.jamestls.outbound.TlsPlan;
import dev.jamestls.pki.CertificateAuthority;
import dev.jamestls.pki.ExtendedKeyUsage;
import dev.jamestls.pki.IssuedCertificate;
import dev.jamestls.policy.DomainName;
import dev.jamestls.policy.Mode;
import dev.jamestls.policy.OutboundLevel;
import dev.jamestls.policy.OutboundRequirement;
import dev.jamestls.tls.ClientIdentity;
import dev.jamestls.tls.PemFiles;
import dev.jamestls.tls.TlsProtocol;
import dev.jamestls.verify.CachingCertificateVerifier;

/** A TLS context (and its resumable sessions) belongs to one rule, one requirement and one identity's content. */
class ClientTlsContextsTest {
    static final Instant NOW = Instant.now();
    static final CertificateAuthority CA = CertificateAuthority.root("CN=Our CA", NOW);
    static final DomainName DOMAIN = DomainName.parse("partner.example");
    static final DeliveryTarget MX = new DeliveryTarget(DomainName.parse("mx.partner.example"), 25, TargetSource.MX, 0);
    static final OutboundRequirement VERIFY = new OutboundRequirement(OutboundLevel.VERIFY, List.of(), List.of(), TlsProtocol.TLS_1_2,
        dev.jamestls.policy.CipherPolicy.DEFAULT, List.of(), dev.jamestls.policy.Failure.TEMPORARY);

    @TempDir
    Path dir;

    final ClientTlsContexts contexts = new ClientTlsContexts(CachingCertificateVerifier.forServer(Clock.systemUTC()));

    @Test
    void aRenewedIdentityGetsItsOwnContextSoNoSessionOfTheOldOneIsResumed() throws IOException {
        IssuedCertificate old = issue();
        IssuedCertificate renewed = issue();

        ClientTlsContexts.Shared first = contexts.forPlan("partner", plan(Optional.of(identity(old, "old"))));
        ClientTlsContexts.Shared sameContent = contexts.forPlan("partner", plan(Optional.of(identity(old, "copy"))));
        ClientTlsContexts.Shared other = contexts.forPlan("partner", plan(Optional.of(identity(renewed, "renewed"))));
        ClientTlsContexts.Shared none = contexts.forPlan("partner", plan(Optional.empty()));

        assertThat(sameContent).as("same content read from other files").isSameAs(first);
        assertThat(other).as("another certificate").isNotSameAs(first);
        assertThat(none).as("no certificate").isNotSameAs(first).isNotSameAs(other);
    }

    private static TlsPlan plan(Optional<ClientIdentity> identity) {
        return TlsPlan.forTarget(VERIFY, Mode.ENFORCE, DOMAIN, MX, List.of(CA.certificate().certificate()), identity);
    }

    private ClientIdentity identity(IssuedCertificate certificate, String name) throws IOException {
        PemFiles.writeCertificates(dir.resolve(name + ".pem"), certificate.presentedChain());
        PemFiles.writePrivateKey(dir.resolve(name + ".key"), certificate.keyPair().getPrivate());
        return ClientIdentity.fromPem(dir.resolve(name + ".key"), dir.resolve(name + ".pem"));
    }

    private static IssuedCertificate issue() {
        return CA.leaf("CN=mx.example.com").extendedKeyUsages(ExtendedKeyUsage.CLIENT_AUTH).issue();
    }
}
