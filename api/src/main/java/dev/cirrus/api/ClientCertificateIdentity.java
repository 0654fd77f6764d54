package dev.cirrus.api;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.Utils;

/**
 * Client settings shared by the operator and the node daemon for a client that authenticates with
 * a certificate (a kubeconfig outside the cluster: the local cloud, the benchmark, the tests).
 *
 * <p>Fabric8 7.5's token refresh runs before every request once the client is a minute old, and it
 * moves its "last refreshed" mark only when it finds a token. A certificate identity has none, so
 * from then on every request re-read and re-parsed the whole kubeconfig (YAML, certificates): in
 * the 1,000-VM run of the control-plane benchmark it showed in every API call. A token source that has no token
 * makes that refresh a no-op; a token-based identity (in the cluster) is left as it is.
 */
public final class ClientCertificateIdentity {
    private ClientCertificateIdentity() {
    }

    public static void keepFixed(Config config) {
        boolean certificate = Utils.isNotNullOrEmpty(config.getClientCertData()) || Utils.isNotNullOrEmpty(config.getClientCertFile());
        if (certificate && Utils.isNullOrEmpty(config.getOauthToken()) && config.getOauthTokenProvider() == null) {
            config.setOauthTokenProvider(() -> null);
        }
    }
}
