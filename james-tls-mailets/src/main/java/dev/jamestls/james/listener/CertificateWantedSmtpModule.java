package dev.jamestls.james.listener;

import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Guice extension module that starts the certificate-wanted SMTP listeners
 * declared in {@code conf/tls-smtpserver.xml} (same format as
 * {@code smtpserver.xml}, same handler chains). Enable it in
 * {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.module=dev.jamestls.james.listener.CertificateWantedSmtpModule
 * </pre>
 */
public class CertificateWantedSmtpModule extends AbstractModule {
    public static final String CONFIGURATION_NAME = "tls-smtpserver";

    @Override
    protected void configure() {
        bind(CertificateWantedSmtpServerFactory.class).in(Scopes.SINGLETON);
    }

    @ProvidesIntoSet
    InitializationOperation startCertificateWantedListeners(ConfigurationProvider configurationProvider,
                                                            CertificateWantedSmtpServerFactory factory) {
        return InitilizationOperationBuilder
            .forClass(CertificateWantedSmtpServerFactory.class)
            .init(() -> {
                factory.configure(configurationProvider.getConfiguration(CONFIGURATION_NAME));
                factory.init();
            });
    }
}
