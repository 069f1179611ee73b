package dev.jamestls.james.listener;

import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * For servers assembled in code ({@code GuiceJamesServer.combineWith(...)}, e.g.
 * tests and embedders): starts the certificate-wanted SMTP listeners of
 * {@code conf/tls-smtpserver.xml} as one of James's initialization operations.
 * An installed James uses {@link CertificateWantedListeners} through
 * {@code guice.extension.startable} instead.
 */
public class CertificateWantedSmtpModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(CertificateWantedSmtpServerFactory.class).in(Scopes.SINGLETON);
    }

    @ProvidesIntoSet
    InitializationOperation startCertificateWantedListeners(CertificateWantedListeners listeners) {
        return InitilizationOperationBuilder
            .forClass(CertificateWantedSmtpServerFactory.class)
            .init(listeners::start);
    }
}
