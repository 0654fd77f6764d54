package dev.cirrus.node.agent;

import jakarta.inject.Singleton;

import dev.cirrus.api.ClientCertificateIdentity;
import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/** The node daemon's API client: see {@link ClientCertificateIdentity} (the local cloud runs daemons on a kubeconfig). */
@Singleton
public class ClientSettings implements KubernetesConfigCustomizer {
    @Override
    public void customize(Config config) {
        ClientCertificateIdentity.keepFixed(config);
    }
}
