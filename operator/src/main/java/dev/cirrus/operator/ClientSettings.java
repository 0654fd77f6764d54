package dev.cirrus.operator;

import jakarta.inject.Singleton;

import dev.cirrus.api.ClientCertificateIdentity;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/**
 * The client's default of 5 concurrent requests per host serialises a burst of VMs behind a few
 * in-flight writes; reconcile threads would mostly wait for a free connection.
 */
@Singleton
public class ClientSettings implements KubernetesConfigCustomizer {
    @Override
    public void customize(Config config) {
        config.setMaxConcurrentRequests(128);
        config.setMaxConcurrentRequestsPerHost(64);
        ClientCertificateIdentity.keepFixed(config);
    }
}
