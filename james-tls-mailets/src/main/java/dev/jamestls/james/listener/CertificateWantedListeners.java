package dev.jamestls.james.listener;

import javax.inject.Inject;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.UserDefinedStartable;

/**
 * Starts the certificate-wanted SMTP listeners declared in
 * {@code conf/tls-smtpserver.xml} (same format as {@code smtpserver.xml}). This
 * is how an installed James runs them: James 3.8/3.9 instantiates extension
 * startables after its own servers are up. Enable it in
 * {@code conf/extensions.properties}:
 *
 * <pre>
 * guice.extension.startable=dev.jamestls.james.listener.CertificateWantedListeners
 * </pre>
 *
 * (A {@code guice.extension.module} cannot do this: James installs those
 * modules in a child injector, where initialization operations are neither
 * allowed nor run.) The listeners stop with James ({@code @PreDestroy} of the
 * server factory) or, at the latest, with the JVM.
 */
public class CertificateWantedListeners implements UserDefinedStartable {
    public static final String CONFIGURATION_NAME = "tls-smtpserver";

    private final ConfigurationProvider configurationProvider;
    private final CertificateWantedSmtpServerFactory factory;

    @Inject
    public CertificateWantedListeners(ConfigurationProvider configurationProvider, CertificateWantedSmtpServerFactory factory) {
        this.configurationProvider = configurationProvider;
        this.factory = factory;
    }

    @Override
    public void start() {
        try {
            factory.configure(configurationProvider.getConfiguration(CONFIGURATION_NAME));
            factory.init();
        } catch (ConfigurationException e) {
            throw new IllegalStateException("certificate-wanted listeners: conf/" + CONFIGURATION_NAME + ".xml: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("certificate-wanted listeners could not start: " + e.getMessage(), e);
        }
    }
}
